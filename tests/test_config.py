from pathlib import Path

import pytest

from feedback_nlp.config import default_config_dir, load_boilerplate_rules, load_config
from feedback_nlp.errors import ConfigError
from feedback_nlp.normalise.text import normalise_text


def test_config_default_file_loads_and_resolves_paths():
    cfg = load_config()
    assert cfg.normalise.script == "t2s"
    assert cfg.tokenise.hmm is False
    assert cfg.normalise.boilerplate_rules == default_config_dir() / "boilerplate.yaml"
    assert cfg.normalise.chat_codes_file == default_config_dir() / "chat_codes.yaml"  # relative to the config's folder


def test_config_unknown_key_is_rejected_with_its_name(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("normalise:\n  scrpit: off\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c\.yaml: unknown key 'normalise\.scrpit'"):
        load_config(path)


def test_config_bad_value_names_key_and_value(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("normalise:\n  script: zh2tw\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"normalise\.script.*zh2tw"):
        load_config(path)


def test_config_overrides_apply_and_validate():
    assert load_config(overrides=["normalise.script=hk2s", "tokenise.hmm=true"]).normalise.script == "hk2s"
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        load_config(overrides=["normalise.script"])
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(overrides=["normalise.nope=1"])


def test_config_relative_paths_follow_the_file(tmp_path):
    (tmp_path / "words.txt").write_text("客诉单 n\n", encoding="utf-8")
    path = tmp_path / "c.yaml"
    path.write_text("tokenise:\n  user_dicts: [words.txt]\n", encoding="utf-8")
    assert load_config(path).tokenise.user_dicts == (tmp_path / "words.txt",)


def test_config_missing_file_says_so(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_config_boilerplate_rules_validate_regex(tmp_path):
    path = tmp_path / "b.yaml"
    path.write_text("version: 1\nrules:\n  - id: x\n    pattern: '(['\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        load_boilerplate_rules(path)
    assert len(load_boilerplate_rules().rules) >= 10


def test_config_every_default_key_is_commented():
    text = (default_config_dir() / "default.yaml").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(text):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and line.startswith("  "):
            assert text[i - 1].strip().startswith("#"), f"key without a comment above it: {line!r}"


def test_config_bare_off_in_yaml_means_off(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("normalise:\n  script: off\n", encoding="utf-8")
    assert load_config(path).normalise.script == "off"
    assert load_config(overrides=["normalise.script=off"]).normalise.script == "off"


def test_config_keeping_full_width_needs_nfkc_off_too():
    # NFKC folds full-width forms as well: the option alone would do nothing, so it is refused
    with pytest.raises(ConfigError, match=r"normalise\.fullwidth_to_halfwidth.*set normalise\.nfkc=false as well"):
        load_config(overrides=["normalise.fullwidth_to_halfwidth=false"])
    cfg = load_config(overrides=["normalise.fullwidth_to_halfwidth=false", "normalise.nfkc=false"])
    assert normalise_text("ＡＢＣ１２３，订单号：２０２３", cfg.normalise).text == "ＡＢＣ１２３，订单号：２０２３"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda causes: causes.append({**causes[0], "id": "Network Signal"}), "lowercase letters, digits and _"),
        (lambda causes: causes.append(dict(causes[0])), "attitude stands more than once"),
    ],
)
def test_taxonomy_cause_ids_are_checked(tmp_path, change, message):
    import yaml

    from feedback_nlp.config import load_taxonomy

    data = yaml.safe_load((default_config_dir() / "taxonomy.yaml").read_text(encoding="utf-8"))
    change(data["causes"])
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_taxonomy(path)


def test_train_config_review_domains_need_the_sentiment_style_split():
    from feedback_nlp.config import load_train_config

    with pytest.raises(ConfigError, match="sentiment_by_review_domain.*sentiment_by_style"):
        load_train_config(overrides=["model.sentiment_by_style=false", "model.sentiment_by_review_domain=true"])
    off = ["model.sentiment_by_style=false", "model.sentiment_by_review_domain=false", "model.causes_by_review_domain=false"]
    assert not load_train_config(overrides=off).model.sentiment_by_style


def test_train_config_takes_one_rule_for_the_cause_thresholds():
    from feedback_nlp.config import load_train_config

    with pytest.raises(ConfigError, match="threshold_tolerance.*threshold_share_of_f1.*set one of them to 0"):
        load_train_config(overrides=["model.threshold_tolerance=0.005"])  # the shipped config takes a share
    assert load_train_config(overrides=["model.threshold_tolerance=0.005", "model.threshold_share_of_f1=0"]).model.threshold_tolerance


def test_config_cause_weights_by_review_domain_need_the_style_model_that_tells_domains_apart():
    from feedback_nlp.config import load_train_config

    for off in ("model.causes_by_style=false", "model.sentiment_by_review_domain=false"):
        with pytest.raises(ConfigError, match="causes_by_review_domain splits the review-line weights of causes_by_style"):
            load_train_config(overrides=["model.causes_by_review_domain=true", off])
    with pytest.raises(ConfigError, match="weight_bits"):
        load_train_config(overrides=["model.weight_bits=4"])


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("features.word_ngrams=[2,1]", r"features\.word_ngrams'.*1 <= shortest <= longest"),
        ("features.word_ngrams=[0,2]", r"features\.word_ngrams'.*1 <= shortest <= longest"),
        ("features.char_ngrams=[0,3]", r"features\.char_ngrams'.*1 <= shortest <= longest <= 3"),
        ("features.char_ngrams=[3,1]", r"features\.char_ngrams'.*1 <= shortest <= longest <= 3"),
        ("features.char_ngrams=[1,4]", r"features\.char_ngrams'.*1 <= shortest <= longest <= 3"),
    ],
)
def test_train_config_ngram_orders_are_checked(override, message):
    from feedback_nlp.config import load_train_config

    with pytest.raises(ConfigError, match=message):
        load_train_config(overrides=[override])


def test_train_config_ngram_orders_that_make_features_load():
    from feedback_nlp import config, features
    from feedback_nlp.config import load_train_config

    assert config.MAX_CHAR_NGRAM == features.MAX_CHAR_NGRAM
    cfg = load_train_config(overrides=["features.word_ngrams=[2,2]", "features.char_ngrams=[1,1]"])
    assert cfg.features.word_ngrams == (2, 2) and cfg.features.char_ngrams == (1, 1)


def test_train_config_relative_paths_follow_the_file(tmp_path, monkeypatch):
    from feedback_nlp.config import load_train_config

    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "words.txt").write_text("客诉单 n\n", encoding="utf-8")
    (tmp_path / "cfg" / "train.yaml").write_text(
        "tokenise:\n  user_dicts: [words.txt]\n  stopwords: stop.txt\nnormalise:\n  chat_codes_file: codes.yaml\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)  # another folder than the config's
    cfg = load_train_config("cfg/train.yaml")
    assert cfg.tokenise.user_dicts == (tmp_path / "cfg" / "words.txt",)
    assert cfg.tokenise.stopwords == tmp_path / "cfg" / "stop.txt"
    assert cfg.normalise.chat_codes_file == tmp_path / "cfg" / "codes.yaml"
    # an override is a path as given on the command line
    assert load_train_config("cfg/train.yaml", ["tokenise.user_dicts=[mine.txt]"]).tokenise.user_dicts == (Path("mine.txt"),)


@pytest.mark.parametrize("yaml_text, key", [
    ("corpora_dir: 5\n", "corpora_dir"),
    ("corpora_dir: [a, b]\n", "corpora_dir"),
    ("taxonomy: {a: 1}\n", "taxonomy"),
    ("tokenise:\n  user_dicts: 5\n", "tokenise.user_dicts"),
    ("tokenise:\n  user_dicts: [5]\n", "tokenise.user_dicts.0"),
    ("transformers:\n  model_name_or_path: 3\n", "transformers.model_name_or_path"),
])
def test_train_config_a_path_that_is_no_text_is_named_not_a_crash(tmp_path, yaml_text, key):
    from feedback_nlp.config import load_train_config

    path = tmp_path / "train.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"train.yaml: key '{key}'"):
        load_train_config(path)


def test_config_yaml_error_names_the_line_of_the_file(tmp_path):
    from feedback_nlp.config import load_train_config

    path = tmp_path / "train.yaml"
    path.write_text("model:\n  causes_c: 1\n\tbad: 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"train.yaml is not valid YAML at line 3, column 1: found character '\\t'"):
        load_train_config(path)


def test_train_names_the_setting_of_a_taxonomy_it_cannot_find(tmp_path):
    from feedback_nlp.config import load_train_config
    from feedback_nlp.train import train

    config = load_train_config(None, [f"taxonomy={tmp_path / 'nope.yaml'}"])
    with pytest.raises(ConfigError, match=r"^taxonomy: config file .*nope.yaml not found.*key 'taxonomy'.*--set taxonomy=FILE"):
        train(config)
