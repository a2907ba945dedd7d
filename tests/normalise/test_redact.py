import pytest

from feedback_nlp.normalise.redact import Redactor, luhn_ok


@pytest.fixture(scope="module")
def redactor():
    return Redactor()


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("我的电话138 1234 5678，尽快回电", "PHONE", "138 1234 5678"),
        ("手机13812345678", "PHONE", "13812345678"),
        ("打+86 139-1234-5678找我", "PHONE", "+86 139-1234-5678"),
        ("座机0571-88886666", "PHONE", "0571-88886666"),
        ("身份证11010519491231002X已上传", "ID_CARD", "11010519491231002X"),
        ("卡号6222 0212 3456 7890 128", "BANK_CARD", "6222 0212 3456 7890 128"),
        ("邮箱 wang.li+shop@example.com.cn 请回复", "EMAIL", "wang.li+shop@example.com.cn"),
        ("订单号：2023030112345678 还没发货", "ORDER", "2023030112345678"),
        ("运单号SF1234567890123", "ORDER", "SF1234567890123"),
        ("送到杭州市西湖区文三路100号3栋2单元501室", "ADDRESS", "杭州市西湖区文三路100号3栋2单元501室"),
        # a flat in a housing estate, as property-management chats give it
        ("卫生间漏水漏到楼下了，14栋2单元1903", "ADDRESS", "14栋2单元1903"),
        ("住阳光花园8幢1单元602，快来看看", "ADDRESS", "8幢1单元602"),
        ("3号楼1502室漏水", "ADDRESS", "3号楼1502室"),
        # names where chats give one: before a phone, after words that introduce it, after a role
        ("张伟，手机号码稍后发你", "NAME", "张伟"),
        ("我叫何佳怡，报修的是客厅那台柜机", "NAME", "何佳怡"),
        ("联系人：王小红", "NAME", "王小红"),
        ("保安刘德华态度恶劣", "NAME", "刘德华"),
        ("物业经理张建国根本不管", "NAME", "张建国"),
        ("客服周杰说明天处理", "NAME", "周杰"),
    ],
)
def test_redact_masks_personal_data(redactor, text, kind, value):
    out, counts = redactor.redact(text)
    assert value not in out
    assert counts[kind] == 1
    assert f"[{kind}#" in out


@pytest.mark.parametrize(
    "text, kept",
    [
        ("地址北京市朝阳区建国路88号", "地址["),
        ("我的地址是北京市朝阳区建国路88号3单元", "我的地址是["),
        ("我住在中山路88号，快递放门口", "我住在["),
        ("寄到杭州市西湖区文三路90号", "寄到["),
    ],
)
def test_redact_address_keeps_the_words_that_introduce_it(redactor, text, kept):
    out, counts = redactor.redact(text)
    assert counts["ADDRESS"] == 1 and out.startswith(kept)


def test_redact_same_value_same_mask(redactor):
    a, _ = redactor.redact("电话138 1234 5678")
    b, _ = redactor.redact("电话13812345678")
    assert a.split("电话")[1] == b.split("电话")[1]
    c, _ = redactor.redact("电话13812345679")
    assert c != a


@pytest.mark.parametrize(
    "text",
    [
        "等了3天，退款199元还没到账",
        "2023-03-02 09:15:22 发货",
        "物业费收缴率为93.81%",
        "型号A2848，序列号不方便说",
        "订单有问题",  # the label without a number
        "6222021234567890129",  # fails the Luhn check: not taken as a card
        "12栋、15栋高层住户反映水压低",  # buildings named alone are no one's address
        "找遍整个房间没找到酒店任何服务电话",  # 何 is a surname, but no name stands here
        "客服周末不上班",  # words that open with a surname's character, after a staff role
        "师傅周日说来修",
        "客服胡说，根本没解决",
        "经理黄金周不在",
        "小区12栋1500户都停水了",  # households counted, not a room
        "3号楼200多人投诉",
        "我上周打过电话，客服电话打不通",
        "本人高度重视，师傅说明天来，前台说不知道",
        "客服小王态度很好",
    ],
)
def test_redact_leaves_ordinary_text(redactor, text):
    assert redactor.redact(text)[0] == text


def test_redact_is_idempotent(redactor):
    once, _ = redactor.redact("手机13812345678，卡号6222 0212 3456 7890 128")
    assert redactor.redact(once)[0] == once


def test_redact_luhn():
    assert luhn_ok("6222021234567890128") and not luhn_ok("6222021234567890129")


@pytest.mark.parametrize(
    "text, kind, value",
    [
        # full-width digits and letters, as Chinese input methods type them
        ("我的电话１３８１２３４５６７８", "PHONE", "１３８１２３４５６７８"),
        ("邮箱ＡＢＣ＠ＱＱ．ＣＯＭ", "EMAIL", "ＡＢＣ＠ＱＱ．ＣＯＭ"),
        ("订单号：ＡＢ１２３４５６７８", "ORDER", "ＡＢ１２３４５６７８"),
        ("固话（010）12345678", "PHONE", "12345678"),
        ("身份证１１０１０５１９４９１２３１００２Ｘ", "ID_CARD", "１１０１０５１９４９１２３１００２Ｘ"),
    ],
)
def test_redact_masks_full_width_values(redactor, text, kind, value):
    out, counts = redactor.redact(text)
    assert value not in out and counts[kind] == 1 and f"[{kind}#" in out
    assert out.startswith(text[:2])  # the text around the value is kept as written


def test_redact_full_width_value_gets_the_mask_of_its_half_width_form(redactor):
    assert redactor.redact("电话１３８１２３４５６７８，快回")[0] == redactor.redact("电话13812345678，快回")[0]
    assert redactor.redact("固话（010）12345678")[0] == redactor.redact("固话(010)12345678")[0]


def test_redact_spans_moves_spans_onto_the_masked_text(redactor):
    text = "电话13812345678打不通，快递也没到"
    after = {"start": text.index("快递"), "end": text.index("快递") + 2, "text": "快递", "term": "快递"}
    inside = {"start": 4, "end": 8, "text": text[4:8], "term": "1234"}
    untouched = {"term": "没到"}  # an entry without a span (a model that gives none) is left as it is
    masked = redactor.redact_spans(text, [after, inside, untouched])
    assert masked == redactor.redact(text)[0] and "13812345678" not in masked
    assert masked[after["start"] : after["end"]] == after["text"] == "快递" and after["term"] == "快递"
    # a word inside the masked number shows the whole mask, never the digits
    mask = masked[masked.index("[") : masked.index("]") + 1]
    assert masked[inside["start"] : inside["end"]] == inside["text"] == inside["term"] == mask
    assert untouched == {"term": "没到"}
    same = {"start": 0, "end": 2, "text": "快递", "term": "快递"}
    assert redactor.redact_spans("快递没到", [same]) == "快递没到" and same["start"] == 0


def test_redact_spans_never_keeps_a_masked_digit_as_the_term(redactor):
    # the mask's hex digits can align with a digit of the value: the word inside it still shows
    # the mask as its term, not the digit it was
    text = "身份证11010519491231002X没到，快递住阳光花园8幢1单元602电话13812345678"
    entry = {"start": 33, "end": 34, "text": text[33:34], "term": text[33:34]}
    masked = redactor.redact_spans(text, [entry])
    assert entry["text"].startswith("[ADDRESS#") and masked[entry["start"] : entry["end"]] == entry["text"]
    assert entry["term"] == entry["text"]
