import subprocess
import sys

import feedback_nlp


def test_api_all_is_pinned():
    assert sorted(feedback_nlp.__all__) == [
        "Config",
        "FeedbackClassifier",
        "FeedbackNLPError",
        "Tokeniser",
        "__version__",
        "draft_review",
        "load_config",
        "normalise_text",
        "read_text",
        "repair_mojibake",
        "split_sentences",
        "tokenise",
    ]
    for name in feedback_nlp.__all__:
        assert hasattr(feedback_nlp, name)


def test_api_import_is_light():
    code = (
        "import sys, feedback_nlp; "
        "print(','.join(m for m in ('torch', 'transformers', 'spacy', 'jieba', 'rjieba', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_api_errors_inherit_builtins():
    from feedback_nlp.errors import ConfigError, InputError, InputNotFoundError

    assert issubclass(InputError, ValueError) and issubclass(InputError, feedback_nlp.FeedbackNLPError)
    assert issubclass(ConfigError, ValueError)
    assert issubclass(InputNotFoundError, FileNotFoundError)
