import pytest

from feedback_nlp.config import NormaliseConfig
from feedback_nlp.errors import ConfigError
from feedback_nlp.normalise.chat import ChatCodeReader, get_reader
from feedback_nlp.normalise.text import normalise_records, normalise_text


def test_chat_codes_emoticons_become_emoji_and_placeholders_go():
    reader = get_reader()
    assert reader.replace("还没到[发怒]") == "还没到😡"
    assert reader.replace("好的[强][强]") == "好的👍👍"
    assert reader.replace("[图片]这个坏了").strip() == "这个坏了"
    # letters in any case; a bracketed word that is no code stays
    assert reader.replace("[ok]") == "👌" and reader.replace("[Photo]").strip() == ""
    assert reader.replace("[荐书]不错") == "[荐书]不错"


@pytest.mark.parametrize(
    "text, found",
    [
        ("[图片]", ["[图片]"]),
        ("[图片] [语音]！", ["[图片]", "[语音]"]),
        ("［圖片］", ["[图片]"]),  # full-width brackets and Traditional characters, as exports have them
        ("[图片]这个坏了", []),
        ("[强]", []),  # an emoticon says something
        ("图片", []),
        ("", []),
    ],
)
def test_chat_codes_a_message_of_placeholders_alone(text, found):
    assert get_reader().only_placeholders(text) == found


def test_chat_codes_are_read_in_normalisation_after_script_and_width_folding():
    assert normalise_records(["［圖片］這個壞了", "还没到[发怒]", "[语音]"]) == ["这个坏了", "还没到😡", ""]
    result = normalise_text("第一行[图片]\n还没到[发怒]")
    assert result.text == "第一行\n还没到😡" and result.changes["chat_codes_read"] > 0
    # switched off, the codes stay as written
    assert normalise_records(["还没到[发怒]"], NormaliseConfig(chat_codes=False)) == ["还没到[发怒]"]
    assert normalise_records([]) == [] and normalise_records([""]) == [""]  # no texts: no records


def test_chat_codes_from_ones_own_file(tmp_path):
    path = tmp_path / "codes.yaml"
    path.write_text("version: 1\nplaceholders: [截图]\nemoticons: {点赞: \"👍\"}\n", encoding="utf-8")
    config = NormaliseConfig(chat_codes_file=path)
    assert normalise_records(["[截图][点赞] [图片]"], config) == ["👍 [图片]"]
    assert get_reader(path).only_placeholders("[截图]") == ["[截图]"]


@pytest.mark.parametrize(
    "body, says",
    [
        ("version: 1\nplaceholders: ['[图片]']\n", "without brackets"),
        ("version: 1\nemoticons: {强: ''}\n", "stand for nothing"),
        ("version: 1\nplaceholders: [强]\nemoticons: {强: \"👍\"}\n", "both placeholders and emoticons"),
    ],
)
def test_chat_codes_bad_file_is_named_with_what_is_wrong(tmp_path, body, says):
    path = tmp_path / "codes.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        get_reader(path)
    assert str(path) in str(caught.value) and says in str(caught.value)


def test_chat_codes_reader_without_codes_leaves_text_alone():
    reader = ChatCodeReader((), {})
    assert reader.replace("[图片]") == "[图片]" and reader.only_placeholders("[图片]") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("［圖片］這個壞了", "這個壞了"),
        ("[語音]", ""),
        ("［图片］［發怒］", "😡"),
        ("好的［ＯＫ］", "好的👌"),
        ("[荐书]不错", "[荐书]不错"),  # a bracketed word that is no code stays
    ],
)
def test_chat_codes_traditional_and_full_width_forms_without_script_conversion(text, expected):
    # the reader matches these forms itself: with script conversion off nothing folds them first
    config = NormaliseConfig(script="off")
    assert normalise_records([text], config) == [expected]
    assert normalise_text(text, config).text == expected
    assert get_reader().replace(text).strip() == expected
