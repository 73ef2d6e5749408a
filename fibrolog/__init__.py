"""fibrolog: a private, fast symptom diary for fibromyalgia, at the terminal."""

__version__ = "0.1.0"
