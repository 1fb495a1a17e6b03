"""Article extraction: the pipeline (pipeline.py) and its steps, one module each.

Callers need only ``extract``, ``extract_many``, the NER engine and its failure.
"""

from api.extraction.corenlp import CoreNLPEngine, NerUnavailable
from api.extraction.pipeline import extract, extract_many

__all__ = ["CoreNLPEngine", "NerUnavailable", "extract", "extract_many"]
