"""The one config schema, its defaults, file loading and dotted overrides.

Every file under ``configs/`` is validated here. Unknown keys are rejected with a message that
names the file, the key and the keys that are allowed. Relative paths inside a config file are
resolved against the folder of that file, so a config can be moved together with its resources.
Environment variables are read in this module only (``FEEDBACK_NLP_CACHE_DIR``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any, Literal

import yaml

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from .errors import ConfigError, ResourceError

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_DIR = PACKAGE_DIR / "resources"


def default_config_dir() -> Path:
    """The folder holding the shipped config files.

    Installed wheels carry a copy at ``feedback_nlp/_configs``; a source checkout (editable
    install, tests) uses the repository's ``configs/`` folder directly.
    """
    packaged = PACKAGE_DIR / "_configs"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / "configs"


def cache_dir() -> Path:
    """Per-user cache folder (never a shared /tmp file). ``FEEDBACK_NLP_CACHE_DIR`` overrides it."""
    override = os.environ.get("FEEDBACK_NLP_CACHE_DIR")
    if override:
        base = Path(override)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "feedback_nlp"
    base.mkdir(parents=True, exist_ok=True)
    return base


def _check_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression ({exc}): {value!r}") from exc
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


ScriptMode = Literal["off", "t2s", "tw2sp", "hk2s"]


class InputConfig(_Strict):
    encoding: str = "auto"
    min_confidence: float = Field(0.5, ge=0.0, le=1.0)
    max_bytes: int = Field(200_000_000, gt=0)

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        if value != "auto":
            from .io.decode import text_codec  # here: the io package reads configs too

            try:
                text_codec(value)
            except LookupError:
                raise ValueError(f"{value!r} is not a text encoding Python knows; use e.g. gbk, gb18030, big5, utf-8, utf-16, or auto") from None
        return value


class NormaliseConfig(_Strict):
    repair_mojibake: bool = True
    script: ScriptMode = "t2s"

    @field_validator("script", mode="before")
    @classmethod
    def _off_is_not_false(cls, value: Any) -> Any:
        # YAML reads a bare `off` as False
        return "off" if value is False else value

    nfkc: bool = True
    fullwidth_to_halfwidth: bool = True

    @field_validator("fullwidth_to_halfwidth")
    @classmethod
    def _width_kept_only_without_nfkc(cls, value: bool, info: ValidationInfo) -> bool:
        if not value and info.data.get("nfkc"):
            raise ValueError(
                "full-width forms cannot be kept while normalise.nfkc is true (NFKC folds them to "
                "half-width too: ＡＢＣ１２３ -> ABC123); set normalise.nfkc=false as well, or leave "
                "normalise.fullwidth_to_halfwidth true"
            )
        return value

    fold_punctuation: bool = True
    remove_boilerplate: bool = True
    boilerplate_rules: Path | None = None
    # placeholders of chat exports ("[图片]") dropped, messenger emoticon codes ("[强]") read as emoji
    chat_codes: bool = True
    chat_codes_file: Path | None = None


class TokeniseConfig(_Strict):
    engine: Literal["auto", "rjieba", "jieba"] = "auto"
    hmm: bool = False
    user_dicts: tuple[Path, ...] = ()
    stopwords: Path | None = None
    drop_stopwords: bool = False
    keep_whitespace: bool = False


class Config(_Strict):
    input: InputConfig = InputConfig()
    normalise: NormaliseConfig = NormaliseConfig()
    tokenise: TokeniseConfig = TokeniseConfig()


class BoilerplateRule(_Strict):
    id: str
    description: str = ""
    kind: Literal["line", "block", "inline"] = "line"
    pattern: str
    item_pattern: str | None = None
    max_items: int | None = Field(None, gt=0)  # block rules: at most this many items after the heading
    max_line_length: int | None = Field(None, gt=0)

    _compiles = field_validator("pattern", "item_pattern")(_check_regex)


class BoilerplateRules(_Strict):
    version: int
    rules: tuple[BoilerplateRule, ...]


class ChatCodes(_Strict):
    version: int
    placeholders: tuple[str, ...] = ()
    emoticons: dict[str, str] = {}

    @field_validator("placeholders")
    @classmethod
    def _names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [name for name in value if not name.strip() or any(c in name for c in "[]")]
        if bad:
            raise ValueError(f"{bad}: a code's name is what stands inside its brackets, not empty and without brackets")
        return value

    @model_validator(mode="after")
    def _emoticons(self) -> ChatCodes:
        self._names(tuple(self.emoticons))
        empty = [name for name, emoji in self.emoticons.items() if not emoji.strip()]
        if empty:
            raise ValueError(f"emoticons {empty} stand for nothing; give each the emoji it stands for")
        both = sorted({n.lower() for n in self.placeholders} & {n.lower() for n in self.emoticons})
        if both:
            raise ValueError(f"{both} are both placeholders and emoticons; keep each in one list")
        return self


class ChatlogFields(_Strict):
    session: tuple[str, ...] = ("session_id", "session")
    message_id: tuple[str, ...] = ("message_id", "id")
    time: tuple[str, ...] = ("time", "timestamp")
    date: tuple[str, ...] = ("date",)  # a day in a column of its own, beside a time of day
    role: tuple[str, ...] = ("role",)
    speaker: tuple[str, ...] = ("speaker", "sender")
    text: tuple[str, ...] = ("text", "content")


class ChatlogRoles(_Strict):
    customer: tuple[str, ...] = ("customer",)
    agent: tuple[str, ...] = ("agent",)
    bot: tuple[str, ...] = ("bot",)
    system: tuple[str, ...] = ("system",)


class TranscriptConfig(_Strict):
    line_pattern: str
    speaker_line_patterns: tuple[str, ...] = ()
    session_header: str

    _compiles = field_validator("line_pattern", "session_header")(_check_regex)

    @field_validator("speaker_line_patterns")
    @classmethod
    def _speaker_lines_compile(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            _check_regex(pattern)
            if not {"time", "speaker"} <= set(re.compile(pattern).groupindex):
                raise ValueError(f"needs the groups (?P<time>...) and (?P<speaker>...): {pattern!r}")
        return value


class ChatlogConfig(_Strict):
    fields: ChatlogFields = ChatlogFields()
    roles: ChatlogRoles = ChatlogRoles()
    agent_patterns: tuple[str, ...] = ()
    transcript: TranscriptConfig
    max_text_chars: int = Field(5000, gt=0)


def load_chatlog_config(path: str | os.PathLike | None = None, overrides: list[str] | tuple[str, ...] = ()) -> ChatlogConfig:
    """Load the chat-log field mapping (default: the shipped ``chatlog.yaml``)."""
    cfg_path = Path(path) if path is not None else default_config_dir() / "chatlog.yaml"
    data = _read_yaml(cfg_path)
    if not isinstance(data, dict):
        raise ConfigError(f"{cfg_path}: top level must be a mapping")
    return _validate(ChatlogConfig, _apply_overrides(data, overrides), str(cfg_path), overrides)


class RedactRule(_Strict):
    id: str
    pattern: str
    luhn: bool = False

    _compiles = field_validator("pattern")(_check_regex)


class RedactConfig(_Strict):
    salt: str = ""
    rules: tuple[RedactRule, ...]


def load_redact_config(path: str | os.PathLike | None = None) -> RedactConfig:
    """Load the personal-data rules (default: the shipped ``redact.yaml``)."""
    cfg_path = Path(path) if path is not None else default_config_dir() / "redact.yaml"
    return _validate(RedactConfig, _read_yaml(cfg_path), str(cfg_path))


class TaxonomyCause(_Strict):
    id: str
    name_zh: str
    name_en: str
    definition: str
    includes: tuple[str, ...] = ()
    boundary: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


class SentimentLabel(_Strict):
    id: str
    name_zh: str
    name_en: str
    definition: str


class SentimentSpec(_Strict):
    score_range: tuple[float, float]
    labels: tuple[SentimentLabel, ...]


class Taxonomy(_Strict):
    version: int
    causes: tuple[TaxonomyCause, ...]
    sentiment: SentimentSpec

    @field_validator("causes")
    @classmethod
    def _ids(cls, causes: tuple[TaxonomyCause, ...]) -> tuple[TaxonomyCause, ...]:
        bad = [c.id for c in causes if not re.fullmatch(r"[a-z][a-z0-9_]*", c.id)]
        if bad:
            raise ValueError(f"cause ids are lowercase letters, digits and _ (network_signal): {', '.join(map(repr, bad))}")
        ids = [c.id for c in causes]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"cause ids must differ: {', '.join(twice)} stands more than once")
        return causes

    @property
    def cause_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.causes)

    @property
    def sentiment_ids(self) -> tuple[str, ...]:
        return tuple(label.id for label in self.sentiment.labels)


# the longest character n-gram a featurizer can code (features.MAX_CHAR_NGRAM, which a test
# keeps equal to this: config.py imports nothing from the modules below it)
MAX_CHAR_NGRAM = 3


class FeatureConfig(_Strict):
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (1, 3)
    min_df: int = Field(5, ge=1)
    negation_scope: int = Field(3, ge=0)
    double_negation: bool = False

    @field_validator("word_ngrams", "char_ngrams")
    @classmethod
    def _orders(cls, value: tuple[int, int], info: ValidationInfo) -> tuple[int, int]:
        lo, hi = value
        unit = "words" if info.field_name == "word_ngrams" else "characters"
        most = MAX_CHAR_NGRAM if info.field_name == "char_ngrams" else None
        if not 1 <= lo <= hi or (most is not None and hi > most):
            limit = f" <= {most}" if most is not None else ""
            raise ValueError(f"[shortest, longest] n-gram in {unit}, with 1 <= shortest <= longest{limit}, e.g. "
                             f"{[1, 2] if most is None else [1, most]}")
        return value


class ModelConfig(_Strict):
    sentiment_c: float = Field(0.15, gt=0)
    causes_c: float = Field(30.0, gt=0)
    neutral_bias: float = Field(0.0, ge=-1, le=1)
    positive_gate: float = Field(0.9, gt=0, le=1.01)
    neutral_gate: float = Field(1.01, gt=0, le=1.01)
    threshold_tolerance: float = Field(0.0, ge=0, le=0.1)
    threshold_share_of_f1: float = Field(0.0, ge=0, le=1)
    shared_threshold: bool = False
    sentiment_nb: bool = True
    sentiment_noise_filter: float = Field(0.1, ge=0, lt=1)
    sentiment_tfidf: bool = False
    causes_nb: bool = False
    causes_tfidf: bool = True
    causes_class_weight: Literal["balanced", "none"] = "balanced"
    causes_loss: Literal["logistic", "squared_hinge"] = "logistic"
    causes_calibration_folds: int = Field(0, ge=0, le=20)
    causes_by_style: bool = False
    sentiment_by_style: bool = False
    sentiment_by_review_domain: bool = False
    causes_by_review_domain: bool = False
    max_iter: int = Field(3000, gt=0)
    prune_weights: float = Field(0.0, ge=0, lt=1)
    weight_bits: Literal[8, 16] = 16

    @field_validator("causes_calibration_folds")
    @classmethod
    def _folds(cls, value: int) -> int:
        if value == 1:
            raise ValueError("causes_calibration_folds: 0 (calibrate on dev only) or at least 2 folds")
        return value

    @model_validator(mode="after")
    def _one_threshold_rule(self) -> ModelConfig:
        if self.threshold_tolerance and self.threshold_share_of_f1:
            raise ValueError("threshold_tolerance (the highest threshold near the best F1) and threshold_share_of_f1 (a share "
                             "of the best F1) are two rules for the cause thresholds; set one of them to 0")
        return self

    @model_validator(mode="after")
    def _domains_need_styles(self) -> ModelConfig:
        if self.sentiment_by_review_domain and not self.sentiment_by_style:
            raise ValueError("sentiment_by_review_domain splits the review-line weights of sentiment_by_style; set that too")
        if self.causes_by_review_domain and not (self.causes_by_style and self.sentiment_by_review_domain):
            raise ValueError("causes_by_review_domain splits the review-line weights of causes_by_style by the kinds of review "
                             "line that the style model of sentiment_by_review_domain tells apart; set both of those too")
        return self


class TransformersConfig(_Strict):
    """Fine-tuning settings of the transformers backend (``backend: transformers``)."""

    model_name_or_path: Path | None = None
    max_length: int = Field(128, ge=8, le=4096)
    batch_size: int = Field(32, gt=0)
    eval_batch_size: int = Field(128, gt=0)
    learning_rate: float = Field(5e-5, gt=0)
    weight_decay: float = Field(0.01, ge=0)
    warmup_ratio: float = Field(0.1, ge=0, lt=1)
    epochs: int = Field(4, gt=0)
    patience: int = Field(1, ge=0)
    causes_pos_weight: Literal["balanced", "none"] = "balanced"
    max_train_items: int | None = Field(None, gt=0)
    seed: int = 0
    device: str = "auto"

    @field_validator("device")
    @classmethod
    def _device(cls, value: str) -> str:
        if not re.fullmatch(r"auto|cpu|cuda(:\d+)?|mps", value):
            raise ValueError(f"device {value!r}: use auto, cpu, cuda, cuda:N or mps")
        return value


class TrainConfig(_Strict):
    backend: Literal["sklearn", "transformers"] = "sklearn"
    corpora_dir: Path | None = None
    taxonomy: Path | None = None
    features: FeatureConfig = FeatureConfig()
    model: ModelConfig = ModelConfig()
    transformers: TransformersConfig = TransformersConfig()
    normalise: NormaliseConfig = NormaliseConfig(remove_boilerplate=False)
    tokenise: TokeniseConfig = TokeniseConfig()

    @model_validator(mode="after")
    def _pretrained_path(self) -> "TrainConfig":
        if self.backend == "transformers" and self.transformers.model_name_or_path is None:
            raise ValueError(
                "backend transformers needs transformers.model_name_or_path: a local folder with a "
                "pretrained BERT-style model and its tokenizer (nothing is downloaded)"
            )
        return self


def load_train_config(path: str | os.PathLike | None = None, overrides: list[str] | tuple[str, ...] = ()) -> TrainConfig:
    """Load a training config (default: the shipped ``train_default.yaml``)."""
    cfg_path = Path(path) if path is not None else default_config_dir() / "train_default.yaml"
    data = _read_yaml(cfg_path)
    if not isinstance(data, dict):
        raise ConfigError(f"{cfg_path}: top level must be a mapping of sections")
    # paths are resolved where they are text; anything else is left for the schema to name
    for key in ("corpora_dir", "taxonomy"):
        if data.get(key) and isinstance(data[key], str):
            data[key] = os.path.normpath(cfg_path.parent / data[key])
    # user dictionaries, stop words, boilerplate rules ...: absolute, as a model keeps them
    data = resolve_paths(data, cfg_path.absolute().parent)
    section = data.get("transformers")
    if isinstance(section, dict) and isinstance(section.get("model_name_or_path"), str) and section["model_name_or_path"]:
        section["model_name_or_path"] = str(cfg_path.parent / Path(section["model_name_or_path"]).expanduser())
    data = _apply_overrides(data, overrides)
    return _validate(TrainConfig, data, str(cfg_path), overrides)


def load_taxonomy(path: str | os.PathLike | None = None) -> Taxonomy:
    """Load and validate the complaint-cause taxonomy (default: ``configs/taxonomy.yaml``)."""
    tax_path = Path(path) if path is not None else default_config_dir() / "taxonomy.yaml"
    return _validate(Taxonomy, _read_yaml(tax_path), str(tax_path))


def format_validation_error(exc: ValidationError, source: str) -> str:
    parts = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            parts.append(f"{source}: unknown key '{key}'")
        elif not key:  # a check across keys: its message says what to set
            parts.append(f"{source}: {err['msg'].removeprefix('Value error, ')}")
        else:
            parts.append(f"{source}: key '{key}': {err['msg']} (got {str(err.get('input'))[:60]!r})")
    return "; ".join(parts)


def _validate(model: type[BaseModel], data: Any, source: str, overrides: list[str] | tuple[str, ...] = ()) -> Any:
    """``data`` checked against ``model``; errors name the file it came from (``source``) and the
    command-line overrides applied to it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        allowed = ", ".join(model.model_fields)
        given = f"{source} with {', '.join(overrides)}" if overrides else source
        raise ConfigError(
            f"{format_validation_error(exc, given)}. Check the key names and values "
            f"against {Path(source).name} (top-level keys: {allowed})."
        ) from None


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found; pass an existing file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} cannot be read ({exc}); save it as UTF-8") from None
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        what = " ".join(str(part) for part in (getattr(exc, "problem", None), getattr(exc, "context", None)) if part) or str(exc)
        raise ConfigError(f"config file {path} is not valid YAML{where}: {what}") from None


# settings that name files, by section: resolved relative to the file that names them, and copied
# into a saved model or pipeline with ``bundle_files``
FILE_SETTINGS = {"normalise": ("boilerplate_rules", "chat_codes_file"), "tokenise": ("user_dicts", "stopwords")}


def _map_files(data: dict, change) -> dict:
    """A copy of the config mapping ``data`` with the value of each setting that names files
    (``FILE_SETTINGS``) replaced by ``change(setting, key, value)``."""
    out = {section: dict(values) if isinstance(values, dict) else values for section, values in data.items()}
    for section, keys in FILE_SETTINGS.items():
        values = out.get(section)
        if not isinstance(values, dict):
            continue
        for key in keys:
            if values.get(key):
                values[key] = change(f"{section}.{key}", key, values[key])
    return out


def resolve_paths(data: dict, base: Path) -> dict:
    """Make the relative paths in a config mapping absolute, relative to ``base`` (absolute paths
    stay as they are)."""
    def absolute(_setting: str, _key: str, value):
        # only text is a path: a number or a mapping is left as it is, for the schema to name
        if isinstance(value, (list, tuple)):
            return [str(base / p) if isinstance(p, str) else p for p in value]
        return str(base / value) if isinstance(value, str) else value

    return _map_files(data, absolute)


def bundle_files(data: dict, directory: Path, folder: str = "") -> tuple[dict, list[Path]]:
    """A config mapping whose files (word lists, rules; ``FILE_SETTINGS``) are copied into
    ``directory / folder`` and named relative to ``directory``, so that a saved model or pipeline
    carries the files it was made with; and the copies. ``resolve_paths`` reads them back."""
    copies: list[Path] = []

    def copy(setting: str, key: str, value):
        many = isinstance(value, (list, tuple))
        names = []
        for i, source in enumerate(map(Path, value if many else [value])):
            name = f"{folder}{key}{f'_{i}' if many else ''}{source.suffix or '.txt'}"
            _copy_file(source, directory / name, setting)
            names.append(name)
            copies.append(directory / name)
        return names if many else names[0]

    return _map_files(data, copy), copies


def _copy_file(source: Path, target: Path, setting: str) -> None:
    if target.exists() and source.exists() and source.samefile(target):
        return  # saving a loaded model or pipeline back to its own folder
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(source, target)
    except FileNotFoundError:
        raise ResourceError(f"{source}: not found, so it cannot be copied into {target.parent} ({setting}); "
                            f"restore the file or change {setting}") from None


def _parse_override(item: str) -> tuple[list[str], Any]:
    if "=" not in item:
        raise ConfigError(f"override {item!r} is not KEY=VALUE; write e.g. normalise.script=off")
    key, raw = item.split("=", 1)
    return key.strip().split("."), yaml.safe_load(raw) if raw.strip() else ""


def load_config(path: str | os.PathLike | None = None, overrides: list[str] | tuple[str, ...] = ()) -> Config:
    """Load a config file (default: the shipped ``default.yaml``) and apply ``a.b=value`` overrides."""
    cfg_path = Path(path) if path is not None else default_config_dir() / "default.yaml"
    data = _read_yaml(cfg_path)
    if not isinstance(data, dict):
        raise ConfigError(f"{cfg_path}: top level must be a mapping of sections, got {type(data).__name__}")
    data = _apply_overrides(resolve_paths(data, cfg_path.parent), overrides)
    return _validate(Config, data, str(cfg_path), overrides)


def _apply_overrides(data: dict, overrides: list[str] | tuple[str, ...]) -> dict:
    for item in overrides:
        keys, value = _parse_override(item)
        node = data
        for k in keys[:-1]:
            node = node.setdefault(k, {})
            if not isinstance(node, dict):
                raise ConfigError(f"override {item!r}: '{k}' is not a section")
        node[keys[-1]] = value
    return data


def load_chat_codes(path: str | os.PathLike | None = None) -> ChatCodes:
    """Load and validate a chat codes file (default: the shipped ``chat_codes.yaml``)."""
    codes_path = Path(path) if path is not None else default_config_dir() / "chat_codes.yaml"
    return _validate(ChatCodes, _read_yaml(codes_path), str(codes_path))


def load_boilerplate_rules(path: str | os.PathLike | None = None) -> BoilerplateRules:
    """Load and validate a boilerplate rules file (default: the shipped ``boilerplate.yaml``)."""
    rules_path = Path(path) if path is not None else default_config_dir() / "boilerplate.yaml"
    return _validate(BoilerplateRules, _read_yaml(rules_path), str(rules_path))
