"""Write the small sample inputs under corpora/samples/text/, each stored the way real files arrive:
GBK chat export, Big5 Traditional reviews, UTF-16 notice with BOM, a UTF-8 report that was decoded
as GBK (mojibake), and a scraped page with web boilerplate and full-width characters.

The texts are written for this project (no third-party text). Run from the repository root:

    python scripts/make_samples.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "corpora" / "samples" / "text"

CHAT_GBK = """2023-03-02 09:15:22 顾客 小王: 你好，我的订单2023030112345678怎么还没发货？
2023-03-02 09:15:40 客服 小李: 亲，您好，很高兴为您服务，帮您查一下哦
2023-03-02 09:17:05 客服 小李: 亲，仓库这边显示明天发出，给您添麻烦了
2023-03-02 09:18:31 顾客 小王: 上周就说明天发，说好的48小时发货呢？？
2023-03-02 09:19:02 顾客 小王: 再不发我就申请退款了，客服态度也太敷衍了

2023-03-05 20:41:10 顾客 张女士: 收到的杯子碎了一个，包装就一层塑料袋
2023-03-05 20:43:55 客服 小周: 非常抱歉，麻烦您拍照上传，我们马上给您补发
2023-03-05 20:45:12 顾客 张女士: 好的，已经上传了，谢谢
"""

REVIEWS_BIG5 = """房間很乾淨，早餐種類也多，服務人員態度親切，下次還會再來。
隔音太差了，隔壁講話聽得一清二楚，整晚沒睡好。
櫃檯辦理入住排了四十分鐘的隊，只開一個窗口。
價格偏貴，但是位置方便，離捷運站走路五分鐘。
"""

NOTICE_UTF16 = """关于开展2024年度业主满意度调查的通知

各位业主：
为进一步提升服务质量，物业服务中心将于12月1日至12月15日开展年度满意度调查。
调查内容包括：客服接待、报修响应、保洁绿化、秩序维护、收费透明度等五个方面。
请通过小区公众号或到物业服务中心前台填写问卷。联系电话：0571-88886666。
"""

REPORT_MOJIBAKE = """2023年度客服中心工作总结
一、工作概况
2023年，客服中心共接听来电18426个，平均应答速度为12秒，一次性解决率达到87.5%。
全年受理投诉52起，较上年减少11起，投诉处理及时率为96.2%。
二、存在的问题
部分坐席业务知识不熟练，高峰时段排队时间过长，客户对回访不及时有意见。
三、下一年度工作计划
2024年力争客户满意率不低于92%，平均应答速度控制在10秒以内。
"""

PAGE_SCRAPED = """当前位置：首页 > 服务案例 > 正文
发布时间：2024-06-18 10:02:33
售后服务案例：一次空调维修投诉的处理

业主反映空调安装后第三天就不制冷，报修后等了５天师傅才上门！！！
客服专员首先致歉，当天协调维修师傅上门检测，发现是安装时冷媒管接口松动。
维修完成后，客服在２４小时内进行了回访，业主表示满意。

热点内容
物业服务标准化手册 浏览：1024
客服话术培训资料 浏览：876
第1页 / 共1页
"""


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()  # --help, and no unknown options
    OUT.mkdir(parents=True, exist_ok=True)
    files = {
        "chat_export_gbk.txt": CHAT_GBK.encode("gbk"),
        "hotel_reviews_big5.txt": REVIEWS_BIG5.encode("big5"),
        "notice_utf16.txt": NOTICE_UTF16.encode("utf-16"),
        "annual_summary_mojibake.txt": REPORT_MOJIBAKE.encode("utf-8").decode("gbk", errors="ignore").encode("utf-8"),
        "scraped_case_page.txt": PAGE_SCRAPED.encode("utf-8"),
    }
    for name, data in files.items():
        (OUT / name).write_bytes(data)
        print(f"wrote {OUT / name} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
