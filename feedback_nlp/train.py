"""Training classifiers on the corpora (``datasets`` DatasetDicts).

Both backends learn the sentiment model from the sentiment corpus and the cause model from the
cause corpus, and give each cause the threshold that maximises its F1 on held-out items (the
dev split, for scikit-learn optionally with out-of-fold scores of the training items; within a
tolerance, the highest such threshold; or a share of the best F1; or one threshold for every cause).
- scikit-learn (default): one featurizer is fitted on the training texts of both corpora; the
  cause probabilities are calibrated (Platt) before thresholds are tuned, on dev, or on dev
  together with out-of-fold scores of the training items (dev alone is small, so per-label
  calibration and thresholds fitted on it alone follow its chance errors).
- transformers: both models are fine-tuned from a local pretrained checkpoint, keeping the epoch
  that scores best on dev.
Dev and test metrics (``evaluate.evaluate``) are computed once, at the end, and stored in the
model's metadata.
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

import numpy as np

from .config import ModelConfig, TrainConfig, load_taxonomy
from .errors import ConfigError, InputError
from .evaluate import evaluate, indicator
from .features import TextFeaturizer
from .models.corpus import (
    CORPORA_DIR,
    MIN_EVAL_ITEMS,
    REVIEW_SOURCE,
    LabelledFile,
    check_corpora,
    data_fingerprint,
    labelled_datasets,
    load_corpus,
    review_mask,
    split_labelled_file,
    write_training_corpora,
)
from .models.linear import MESSAGE, LinearModel, style_names, style_probabilities, style_weights
from .models.sklearn_backend import NBLogistic, StyleAdapted
from .pipeline import FeedbackClassifier, LinearClassifier, TransformersClassifier

logger = logging.getLogger(__name__)

THRESHOLD_GRID = np.round(np.arange(0.1, 0.91, 0.025), 3)
STYLE_C = 3.0  # inverse regularisation of the style model (it tells the two apart 98% right on dev)


def tune_thresholds(Y: np.ndarray, P: np.ndarray, tolerance: float = 0.0, shared: bool = False, share: float = 0.0) -> np.ndarray:
    """Per label, the highest threshold on the grid whose F1 on (Y, P) is within ``tolerance`` of
    the best: where F1 is flat over a range of thresholds, the one that gives the fewest false
    alarms. ``shared``: one threshold for every label, by the micro-F1 of all labels together.

    ``share`` above 0: instead, that share of the best F1, to three decimals (never below the
    grid's lowest threshold). For calibrated probabilities the threshold of the best expected F1
    is half the best F1; unlike the best point of a flat curve, it hardly moves when the items
    change."""
    Y = Y == 1
    # true positives, and predicted plus labelled items, of each label at each threshold
    tp = np.array([((P >= t) & Y).sum(axis=0) for t in THRESHOLD_GRID], float)
    denom = np.array([(P >= t).sum(axis=0) + Y.sum(axis=0) for t in THRESHOLD_GRID], float)
    if shared:
        tp, denom = tp.sum(axis=1, keepdims=True), denom.sum(axis=1, keepdims=True)
    scores = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)
    if share:
        best = np.maximum(np.round(scores.max(axis=0) * share, 3), THRESHOLD_GRID[0])  # to 0.001, as it is shown
        return np.broadcast_to(best, (Y.shape[1],)).copy()
    near = scores >= scores.max(axis=0) - tolerance - 1e-12
    best = np.array([THRESHOLD_GRID[near[:, j]].max() for j in range(scores.shape[1])])
    return np.broadcast_to(best, (Y.shape[1],)).copy()


def configured_thresholds(model: ModelConfig, Y: np.ndarray, P: np.ndarray) -> np.ndarray:
    """``tune_thresholds`` with the model config's rule and sharing."""
    return tune_thresholds(Y, P, model.threshold_tolerance, model.shared_threshold, model.threshold_share_of_f1)


def noisy_items(X, y: list[str], make_model, threshold: float, folds: int = 5) -> np.ndarray:
    """Mask of training items whose own label gets less than ``threshold`` probability from a
    model trained on the other folds: likely label noise (review lines labelled by the file
    they came from)."""
    from sklearn.model_selection import StratifiedKFold

    y_arr = np.asarray(y)
    probs = np.zeros(len(y_arr))
    for fit_idx, held_idx in StratifiedKFold(folds, shuffle=True, random_state=0).split(np.zeros(len(y_arr)), y_arr):
        model = make_model().fit(X[fit_idx], y_arr[fit_idx])
        held = model.predict_proba(X[held_idx])
        column = {c: i for i, c in enumerate(model.classes_)}
        probs[held_idx] = held[np.arange(len(held_idx)), [column[c] for c in y_arr[held_idx]]]
    return probs < threshold


def calibration_folds(items: int, folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (fitted, held out) item indexes of each fold of ``out_of_fold_scores``."""
    from sklearn.model_selection import KFold

    return list(KFold(folds, shuffle=True, random_state=0).split(np.zeros((items, 1))))


def out_of_fold_scores(X, Y: np.ndarray, make_model, folds: int) -> np.ndarray:
    """Decision scores of every training item from a model fitted on the other folds."""
    scores = np.zeros(Y.shape)
    for fit_idx, held_idx in calibration_folds(len(Y), folds):
        scores[held_idx] = make_model().fit(X[fit_idx], Y[fit_idx]).decision_function(X[held_idx])
    return scores


def check_cause_items(Y: np.ndarray, labels: list[str], folds: int) -> None:
    """Refuse, before anything is fitted, cause training items (rows of ``Y``, a column per
    label) that a cause model cannot learn from: a cause no item has (or every item has), and,
    with ``folds`` (model.causes_calibration_folds), a cause missing from the items that one of
    the fold models of ``out_of_fold_scores`` is fitted on."""
    counts = Y.sum(axis=0)
    unseen = [c for c, n in zip(labels, counts) if n == 0]
    if unseen:
        raise InputError(f"no training item has the cause {', '.join(unseen)}: a cause model learns from examples of it; "
                         "label some, or train with a taxonomy without it (--set taxonomy=FILE)")
    everywhere = [c for c, n in zip(labels, counts) if n == len(Y)]
    if everywhere:
        raise InputError(f"every one of the {len(Y)} cause training items has the cause {', '.join(everywhere)}: a cause model "
                         "learns from items with and without it; add training items without it")
    if not folds:
        return
    lower = ("set model.causes_calibration_folds lower (--set model.causes_calibration_folds=0 calibrates the cause "
             "probabilities on dev alone)")
    if len(Y) < folds:
        raise InputError(f"model.causes_calibration_folds is {folds}, but there are only {len(Y)} cause training items; "
                         f"label more, or {lower}")
    short = np.zeros(len(labels), bool)
    for fit_idx, _held in calibration_folds(len(Y), folds):
        part = Y[fit_idx].sum(axis=0)
        short |= (part == 0) | (part == len(fit_idx))
    if short.any():
        named = ", ".join(f"{c} ({int(n)} item{'s' if n != 1 else ''})" for c, n, s in zip(labels, counts, short) if s)
        raise InputError(
            f"too few training items of the cause{'s' if short.sum() > 1 else ''} {named} for model.causes_calibration_folds: "
            f"{folds}: each of the {folds} fold models that calibrate the cause probabilities is fitted without one fold of "
            f"the training items and needs items of every cause, so a cause needs at least {folds} training items, spread "
            f"over the folds; label more items of {'them' if short.sum() > 1 else 'it'}, or {lower}")


def check_tuning_causes(Y: np.ndarray, labels: list[str], folds: int, linear: bool = True) -> None:
    """Refuse, before anything is fitted, dev items (rows of ``Y``) that cannot tune a cause's
    threshold where the thresholds are tuned on dev alone (``folds`` 0, and the transformers
    backend): a cause no dev item has would get the lowest threshold and be given to nearly
    every message."""
    if folds:
        return
    missing = [c for c, n in zip(labels, Y.sum(axis=0)) if n == 0]
    if missing:
        which = "causes" if len(missing) > 1 else "cause"
        raise InputError(
            f"no dev item has the {which} {', '.join(missing)}: the cause probabilities are calibrated and each cause's "
            f"threshold tuned on the {len(Y)} dev items alone, and a cause they lack would get the lowest threshold and "
            f"be given to nearly every message; label dev items of {'them' if len(missing) > 1 else 'it'}"
            + (", or calibrate on the training items too (--set model.causes_calibration_folds=5)" if linear else "")
        )


def _taxonomy(config: TrainConfig):
    """The taxonomy the config names; where it cannot be read, the message says which setting named it."""
    try:
        return load_taxonomy(config.taxonomy)
    except ConfigError as exc:
        raise ConfigError(f"taxonomy: {exc} (the file the training config's key 'taxonomy' names, relative to the "
                          "config's folder, or --set taxonomy=FILE, relative to where the command runs)") from None


def train(config: TrainConfig) -> FeedbackClassifier:
    """Fit a classifier as configured; metrics on dev and test end up in its metadata."""
    taxonomy = _taxonomy(config)
    corpora_dir = Path(config.corpora_dir or CORPORA_DIR)
    # every bad record named before the fitting, not one crash after it
    for warning in check_corpora(corpora_dir, taxonomy.cause_ids, taxonomy.sentiment_ids):
        logger.warning(warning)
    sentiment_ds = load_corpus("sentiment", corpora_dir)
    causes_ds = load_corpus("causes", corpora_dir)
    fit = _train_transformers if config.backend == "transformers" else _train_linear
    clf = fit(config, taxonomy, sentiment_ds, causes_ds)
    clf.metadata["training_data"] = {**data_fingerprint(corpora_dir), **clf.metadata.get("training_data", {})}
    clf.metadata["metrics"] = {split: evaluate(clf, sentiment_ds[split], causes_ds[split]) for split in ("dev", "test")}
    return clf


def train_with_file(config: TrainConfig, data: Path, alone: bool = False) -> tuple[FeedbackClassifier, LabelledFile]:
    """Fit a classifier on one's own labelled file (``split_labelled_file``) added to the
    configured corpora, or, ``alone``, on the file alone (``write_training_corpora``); the
    metadata records the file and the model's scores on its test split ("data_test")."""
    taxonomy = _taxonomy(config)
    corpora_dir = Path(config.corpora_dir or CORPORA_DIR)
    own = split_labelled_file(Path(data), taxonomy.cause_ids, taxonomy.sentiment_ids, None if alone else corpora_dir,
                              {c.id: c.name_zh for c in taxonomy.causes})
    for warning in own.warnings():
        logger.warning(warning)
    empty = [split for split in ("dev", "test") if not own.splits[split]]
    if alone and empty:
        counts = own.counts
        raise InputError(
            f"{data}: {sum(counts.values()) + len(own.left_out)} records, {sum(counts.values())} kept and split into train "
            f"{counts['train']}, dev {counts['dev']}, test {counts['test']}: {' and '.join(empty)} got none, and --data-only "
            "tunes the cause thresholds on the file's dev split and scores its test split; label more messages (about "
            f"{MIN_EVAL_ITEMS * 10} or more), or drop --data-only to add them to the corpora"
        )
    with tempfile.TemporaryDirectory(prefix="feedback_nlp-corpora-") as tmp:
        for note in write_training_corpora(own, Path(tmp), corpora_dir, alone, taxonomy.sentiment_ids):
            logger.warning(note)
        clf = train(config.model_copy(update={"corpora_dir": Path(tmp)}))
    clf.metadata["training_data"]["data_file"] = {
        "path": str(data), "sha256": own.sha256, "items": own.counts, "left_out": len(own.left_out), "alone": alone,
    }
    test = own.splits["test"]
    clf.metadata["metrics"]["data_test"] = evaluate(clf, *labelled_datasets(test)) if test else None
    return clf, own


def _metadata(config: TrainConfig, taxonomy, thresholds: np.ndarray, **extra) -> dict:
    labels = list(taxonomy.cause_ids)
    return {
        "backend": config.backend,
        "causes": labels,
        "cause_names": {c.id: c.name_zh for c in taxonomy.causes},
        "sentiment_labels": list(taxonomy.sentiment_ids),
        "taxonomy_version": taxonomy.version,
        "thresholds": {c: float(t) for c, t in zip(labels, thresholds)},
        "config": config.model_dump(mode="json", exclude={"corpora_dir", "taxonomy"}),
        **extra,
    }


def _train_linear(config: TrainConfig, taxonomy, sentiment_ds, causes_ds) -> FeedbackClassifier:
    labels = list(taxonomy.cause_ids)
    featurizer = TextFeaturizer(
        word_ngrams=tuple(config.features.word_ngrams),
        char_ngrams=tuple(config.features.char_ngrams),
        min_df=config.features.min_df,
        negation_scope=config.features.negation_scope,
        double_negation=config.features.double_negation,
        normalise=config.normalise.model_dump(mode="json", exclude={"boilerplate_rules"}),
        tokenise=config.tokenise.model_dump(mode="json"),
    )
    from sklearn.linear_model import LogisticRegression

    s_train, c_train = sentiment_ds["train"], causes_ds["train"]
    # causes the cause items cannot teach are refused before anything is fitted
    Y_c = indicator(c_train["causes"], labels)
    check_cause_items(Y_c, labels, config.model.causes_calibration_folds)
    check_tuning_causes(indicator(causes_ds["dev"]["causes"], labels), labels, config.model.causes_calibration_folds)
    texts = list(s_train["text"]) + list(c_train["text"])
    logger.info("fitting features on %d texts", len(texts))
    X = featurizer.fit_transform(texts)
    if not featurizer.n_features_:
        raise InputError(
            f"features.min_df is {featurizer.min_df}, but no word or character n-gram is in that many of the {len(texts)} "
            "training texts (sentiment and cause items), so there are no features to learn from; set features.min_df "
            "lower (--set features.min_df=2), well below the number of training texts"
        )
    X_s, X_c = X[: len(s_train)], X[len(s_train) :]

    c_dev = causes_ds["dev"]
    X_dev = featurizer.transform(c_dev["text"])
    # review lines and messages to an organisation: the corpus source says which a training item
    # is (and its domain, which kind of review line); a style model, fitted on that, says which a
    # new text is
    is_review = review_mask(c_train)
    s_review = review_mask(s_train)
    causes_by_style = _styles_mixed(config.model.causes_by_style, "causes_by_style", "cause", is_review)
    sentiment_by_style = _styles_mixed(config.model.sentiment_by_style, "sentiment_by_style", "sentiment", s_review)
    s_styles = _review_styles(s_train, s_review, sentiment_by_style and config.model.sentiment_by_review_domain, "sentiment")
    s_style_names = [MESSAGE, *sorted(set(s_styles) - {MESSAGE})]
    style = None
    prune, bits = config.model.prune_weights, config.model.weight_bits
    if len(s_style_names) > 2:  # kinds of review line: a style model that tells them all apart
        style = NBLogistic(C=STYLE_C, max_iter=config.model.max_iter, classes=s_style_names, nb=False, prune=prune, weight_bits=bits)
        style = style.fit(X_s, s_styles).linear_
    elif causes_by_style or sentiment_by_style:
        fitted = is_review if causes_by_style else s_review
        lr = LogisticRegression(C=STYLE_C, max_iter=config.model.max_iter).fit(X_c if causes_by_style else X_s, fitted.astype(int))
        style = LinearModel(["review"], lr.coef_, lr.intercept_, multilabel=True, prune=prune, weight_bits=bits)
    c_styles = _cause_styles(c_train, is_review, causes_by_style and config.model.causes_by_review_domain, style, X_c)
    c_style_names = [MESSAGE, *sorted(set(c_styles) - {MESSAGE})]

    def make_sentiment(prune: float = prune, bits: int = bits) -> NBLogistic | StyleAdapted:
        plain = NBLogistic(
            C=config.model.sentiment_c,
            max_iter=config.model.max_iter,
            classes=list(taxonomy.sentiment_ids),
            nb=config.model.sentiment_nb,
            tfidf=config.model.sentiment_tfidf,
            prune=prune,
            weight_bits=bits,
        )
        return StyleAdapted(plain, styles=s_style_names) if sentiment_by_style else plain

    if sentiment_by_style:
        X_s = StyleAdapted.with_style(X_s, _one_hot(s_styles, s_style_names))
    s_labels = list(s_train["label"])
    keep = np.ones(len(s_labels), bool)
    if config.model.sentiment_noise_filter > 0:
        # the fold models only pick out items, so they are left unpruned at full precision
        keep = ~noisy_items(X_s, s_labels, lambda: make_sentiment(prune=0.0, bits=16), config.model.sentiment_noise_filter)
        logger.info("left out %d of %d sentiment training items as likely label noise", (~keep).sum(), len(keep))
    sentiment = make_sentiment().fit(X_s[keep], np.asarray(s_labels)[keep])

    def make_causes() -> NBLogistic | StyleAdapted:
        plain = NBLogistic(
            C=config.model.causes_c,
            max_iter=config.model.max_iter,
            multilabel=True,
            classes=labels,
            nb=config.model.causes_nb,
            tfidf=config.model.causes_tfidf,
            class_weight=None if config.model.causes_class_weight == "none" else "balanced",
            loss=config.model.causes_loss,
            prune=prune,
            weight_bits=bits,
        )
        return StyleAdapted(plain, styles=c_style_names) if causes_by_style else plain

    if causes_by_style:
        X_c = StyleAdapted.with_style(X_c, _one_hot(c_styles, c_style_names))
        probs = style_probabilities(style, style.decision_function(X_dev))
        X_dev = StyleAdapted.with_style(X_dev, style_weights(c_style_names, style_names(style), probs))

    causes = make_causes().fit(X_c, Y_c)
    scores = causes.decision_function(X_dev)
    Y_held = indicator(c_dev["causes"], labels)
    if config.model.causes_calibration_folds:
        logger.info("out-of-fold cause scores of the training items (%d folds)", config.model.causes_calibration_folds)
        scores = np.vstack([out_of_fold_scores(X_c, Y_c, make_causes, config.model.causes_calibration_folds), scores])
        Y_held = np.vstack([Y_c, Y_held])
    causes.calibrate_scores(scores, Y_held)
    causes_model = causes.linear_for("message") if causes_by_style else causes.linear_
    thresholds = configured_thresholds(config.model, Y_held, causes_model.calibrated(scores))
    metadata = _metadata(
        config,
        taxonomy,
        thresholds,
        neutral_bias=config.model.neutral_bias,
        positive_gate=config.model.positive_gate,
        neutral_gate=config.model.neutral_gate,
        training_data={"sentiment_items_left_out": int((~keep).sum())},
    )
    styled = {}
    if causes_by_style:
        styled["causes"] = {name: causes.linear_for(name) for name in c_style_names[1:]}
    if sentiment_by_style:
        styled["sentiment"] = {name: sentiment.linear_for(name) for name in s_style_names[1:]}
    sentiment_model = sentiment.linear_for(MESSAGE) if sentiment_by_style else sentiment.linear_
    clf = LinearClassifier(featurizer, causes_model, sentiment_model, metadata, styled, style)
    # the items the thresholds were tuned on (labels, calibrated probabilities), so that other
    # rules for choosing thresholds can be tried on the same items (scripts/cv_causes.py); not saved
    clf.calibration_items_ = (Y_held, causes_model.calibrated(scores))
    return clf


def _review_styles(split, is_review: np.ndarray, by_domain: bool, model: str) -> list[str]:
    """The style of each training item of the ``model`` (causes or sentiment): ``message``, or
    ``review``, or with ``by_domain`` ``review_<domain>`` by the item's corpus domain (hotel,
    laptop, book …). Domains are used only when the review lines have more than one."""
    styles = [("review" if r else MESSAGE) for r in is_review]
    if not by_domain:
        return styles
    # a domain names a model part (file), so only letters, digits and "_"; none given: "other"
    given = split["domain"] if "domain" in split.column_names else [None] * len(styles)
    named = [re.sub(r"[^0-9a-z]+", "_", str(d or "").lower()).strip("_") or "other" for d in given]
    domains = sorted({d for d, r in zip(named, is_review) if r})
    if len(domains) < 2:
        logger.warning("model.%s_by_review_domain: the review lines of the %s training items have %s, so their weights "
                       "are not split by domain", model, model, f"only the domain {domains[0]!r}" if domains else "no domain")
        return styles
    return [f"review_{d}" if r else MESSAGE for d, r in zip(named, is_review)]


def _cause_styles(split, is_review: np.ndarray, by_domain: bool, style, X) -> list[str]:
    """The style of each cause training item, as ``_review_styles`` gives it. The style model
    learnt the kinds of review line from the sentiment corpus, so an item of a domain it does not
    tell apart is given the kind the style model reads it as (rows of ``X``)."""
    styles = _review_styles(split, is_review, by_domain, "causes")
    if len(set(styles)) <= 2:
        return styles
    kinds = style_names(style)
    unknown = [i for i, s in enumerate(styles) if s not in kinds]
    if unknown:
        read = style_probabilities(style, style.decision_function(X[unknown]))[:, 1:].argmax(axis=1) + 1
        for i, k in zip(unknown, read):
            styles[i] = kinds[k]
        logger.info("%d review lines of the cause corpus have a domain the style model does not tell apart; "
                    "each is given the kind of review line the style model reads it as", len(unknown))
    return styles


def _one_hot(styles: list[str], names: list[str]) -> np.ndarray:
    return np.array([[s == name for name in names] for s in styles], np.float32)


def _styles_mixed(wanted: bool, option: str, corpus: str, is_review: np.ndarray) -> bool:
    """Whether weights can be split by style as ``option`` asks: only when the training items
    have both styles."""
    mixed = 0 < is_review.sum() < len(is_review)
    if wanted and not mixed:
        logger.warning("model.%s: the %s training items are all of one style (review lines have a source starting %r), "
                       "so the %s weights are not split by style", option, corpus, REVIEW_SOURCE, corpus)
    return wanted and mixed


def _micro_f1(Y: np.ndarray, P: np.ndarray, thresholds: np.ndarray) -> float:
    pred = P >= thresholds
    tp = float((pred & (Y == 1)).sum())
    wrong = float((pred != (Y == 1)).sum())
    return 2 * tp / (2 * tp + wrong) if tp else 0.0


def _train_transformers(config: TrainConfig, taxonomy, sentiment_ds, causes_ds) -> FeedbackClassifier:
    """Fine-tune the cause and the sentiment model from ``transformers.model_name_or_path``;
    early stopping on dev (cause micro-F1 at tuned thresholds, sentiment accuracy)."""
    from .models.transformers_backend import TransformerHeads, fine_tune, load_tokenizer, resolve_device
    from .normalise.text import normalise_records

    settings = config.transformers
    labels = list(taxonomy.cause_ids)
    sentiment_labels = list(taxonomy.sentiment_ids)
    device = resolve_device(settings.device)
    pretrained = Path(settings.model_name_or_path)
    tokenizer = load_tokenizer(pretrained)
    logger.info("fine-tuning %s on %s", pretrained, device)

    def texts(split) -> list[str]:
        return normalise_records(list(split["text"]), config.normalise)

    def capped(split):
        if settings.max_train_items and len(split) > settings.max_train_items:
            return split.shuffle(seed=settings.seed).select(range(settings.max_train_items))
        return split

    c_train, c_dev = capped(causes_ds["train"]), causes_ds["dev"]
    Y_dev = indicator(c_dev["causes"], labels)
    check_cause_items(indicator(c_train["causes"], labels), labels, 0)
    check_tuning_causes(Y_dev, labels, 0, linear=False)
    causes = fine_tune(
        pretrained, tokenizer, "causes", texts(c_train), indicator(c_train["causes"], labels), texts(c_dev),
        lambda P: _micro_f1(Y_dev, P, configured_thresholds(config.model, Y_dev, P)), labels, settings, device,
    )
    s_train, s_dev = capped(sentiment_ds["train"]), sentiment_ds["dev"]
    s_index = {label: i for i, label in enumerate(sentiment_labels)}
    y_dev = np.array([s_index[label] for label in s_dev["label"]])
    sentiment = fine_tune(
        pretrained, tokenizer, "sentiment", texts(s_train), np.array([s_index[label] for label in s_train["label"]]),
        texts(s_dev), lambda P: float((P.argmax(1) == y_dev).mean()), sentiment_labels, settings, device,
    )
    heads = TransformerHeads(tokenizer, causes, sentiment, settings.max_length, settings.eval_batch_size, device)
    thresholds = configured_thresholds(config.model, Y_dev, heads.predict_proba(texts(c_dev))[0])
    metadata = _metadata(
        config,
        taxonomy,
        thresholds,
        neutral_bias=config.model.neutral_bias,  # as set: there is no dev tuning of it for this backend
        positive_gate=config.model.positive_gate,
        neutral_gate=config.model.neutral_gate,
        base_model=str(pretrained),
        training_data={"causes_train_items": len(c_train), "sentiment_train_items": len(s_train)},
    )
    return TransformersClassifier(heads, metadata)
