"""kashcorpus suggest: the registry's names found in documents, written as an annotator's pass of suggested mentions."""
from __future__ import annotations

from ._common import add_common, edit_root, emit

EXAMPLES = """examples:
  kashcorpus suggest kash-005 --annotator registry
  kashcorpus suggest kash-005 kash-006 --annotator alice --json
  kashcorpus suggest kash-005 --annotator spacy-en --suggester spacy:en_core_web_sm

Every canonical name and alias of the registry is looked for at word boundaries, case as the registry
writes it, the longest match first, never overlapping; each match becomes a mention with its entity and
label in the pass. A name of two entities, and a match inside a longer known name, are reported, not
guessed. Suggestions never reach gold by themselves: review them in the pass (kashcorpus span ls
--annotator NAME, Label Studio, brat) and bring them into gold from there.
"""


def register(sub) -> None:
    from argparse import RawDescriptionHelpFormatter

    p = sub.add_parser("suggest", help="pre-annotate documents: the registry's names as a pass of suggested mentions",
                       description="Find the registry's names and aliases in documents and add them as mentions "
                                   "(with their entity and label) to an annotator's pass; report the names that are "
                                   "ambiguous or nested, the suggestions per entity and the entries that matched "
                                   "nothing.", epilog=EXAMPLES, formatter_class=RawDescriptionHelpFormatter)
    p.add_argument("docs", nargs="+", metavar="DOC", help="document ids")
    p.add_argument("--suggester", default="registry", metavar="NAME",
                   help="registry (the default), or spacy:MODEL for an installed spaCy pipeline (needs the spacy extra)")
    add_common(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..suggest import suggest_documents
    from ._common import UsageError

    if args.annotator is None:
        raise UsageError("suggestions are a pass, never gold: give the pass with --annotator NAME")
    return emit(args, suggest_documents, edit_root(args), args.docs, args.annotator, suggester=args.suggester)
