"""``python -m feedback_nlp`` runs the command-line interface."""

from .cli import main

main()
