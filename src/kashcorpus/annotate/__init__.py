"""Annotating by quoting: add, change and remove spans, attributions, registry entities and links, each a locked, validated change."""
from __future__ import annotations

from ..errors import AnnotateError
from .common import (CLAIM_DEFAULTS, FIXED, SPAN_KINDS, Result, annotation_path, check_values, describe, document_ids,
                     parse_assignments, parse_value, sync_aliases)
from .links import link_add, link_list, link_members, link_pair, link_remove, link_set
from .registry import entity_add, entity_alias, entity_list, entity_merge, slug
from .spans import add_attribution, add_span, list_spans, move_span, remove_span, set_fields

__all__ = ["AnnotateError", "Result", "add_span", "remove_span", "set_fields", "move_span", "list_spans",
           "add_attribution", "entity_add", "entity_alias", "entity_merge", "entity_list", "slug",
           "parse_value", "parse_assignments", "check_values", "describe", "annotation_path", "document_ids",
           "sync_aliases", "CLAIM_DEFAULTS", "FIXED", "SPAN_KINDS", "link_add", "link_list", "link_members",
           "link_pair", "link_remove", "link_set"]
