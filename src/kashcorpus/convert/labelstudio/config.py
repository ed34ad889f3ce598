"""The Label Studio labeling config (XML) for every layer, built from the taxonomy."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from xml.sax.saxutils import quoteattr

from ...model import PARTS
from ...resources import taxonomy
from .tasks import TEXT

CLAIM_CHOICES = ("claim_type", "certainty", "asserted_by", "checkworthy")  # the per-region choices of a claim, in order
CHECKWORTHY = {"yes": True, "no": False}


def labeling_config(entities: Iterable[dict] = ()) -> str:
    """The Label Studio labeling config (XML) for every layer, built from ``schema/taxonomy.json``; the entity of
    a mention and the source entity of an attribution are chosen from the registry ``entities`` (one per-region
    ``<Choices>`` each, a drop-down of the ids in order, the name and type as hint). Without a registry they are
    typed (``<TextArea>``).

    >>> xml = labeling_config([{"id": "hamas", "name": "Hamas", "type": "ORG"}])
    >>> '<Labels name="mention" toName="text"' in xml and '<Relation value="source"/>' in xml
    True
    >>> '<Choice value="hamas" hint="Hamas (ORG)"/>' in xml and '<TextArea name="entity"' not in xml
    True
    """
    tax = taxonomy()
    registry = sorted(entities, key=lambda e: e["id"])

    def labels(name: str, values: Iterable[str], hint: Callable[[str], str] = lambda v: "") -> list[str]:
        out = [f'  <Labels name="{name}" toName="{TEXT}" choice="single">']
        out += [f"    <Label value={quoteattr(v)}{hint(v)}/>" for v in values]
        return out + ["  </Labels>"]

    def choices(name: str, values: Iterable[str]) -> list[str]:
        out = [f'    <Header value="{name}"/>',
               f'    <Choices name="{name}" toName="{TEXT}" perRegion="true" choice="single" showInline="true">']
        out += [f"      <Choice value={quoteattr(v)}/>" for v in values]
        return out + ["    </Choices>"]

    def entity_control(name: str, header: str) -> list[str]:
        if not registry:
            return [f'    <Header value="{header} (registry id)"/>',
                    f'    <TextArea name="{name}" toName="{TEXT}" perRegion="true" maxSubmissions="1" editable="true"/>']
        out = [f'    <Header value="{header} (registry)"/>',
               f'    <Choices name="{name}" toName="{TEXT}" perRegion="true" choice="single" layout="select">']
        out += [f"      <Choice value={quoteattr(e['id'])} hint={quoteattr(e['name'] + ' (' + e['type'] + ')')}/>"
                for e in registry]
        return out + ["    </Choices>"]

    def hint(table: str) -> Callable[[str], str]:
        return lambda v: f" hint={quoteattr(tax[table][v])}" if v in tax.get(table, {}) else ""

    lines = ["<View>", "  <Relations>"]
    lines += [f'    <Relation value="{v}"/>' for v in ("source", "cue", "parent", "attribution")]
    lines += ["  </Relations>"]
    lines += labels("zone", tax["zone"], hint("zone"))
    lines += labels("mention", tax["mention"], hint("mention"))
    lines += labels("claim", ["claim"])
    lines += labels("attribution", PARTS)
    lines += [f'  <Text name="{TEXT}" value="$text"/>']
    lines += ['  <View visibleWhen="region-selected" whenTagName="mention">']
    lines += entity_control("entity", "entity")
    lines += ["  </View>"]
    lines += ['  <View visibleWhen="region-selected" whenTagName="claim">']
    for name in CLAIM_CHOICES[:3]:
        lines += choices(name, tax[name])
    lines += choices("checkworthy", CHECKWORTHY)
    lines += ["  </View>"]
    lines += ['  <View visibleWhen="region-selected" whenTagName="attribution">']
    lines += choices("source_type", tax["source_type"])
    lines += entity_control("source_entity", "source_entity, on the content region")
    lines += ["  </View>"]
    lines += ['  <View visibleWhen="region-selected">', '    <Header value="note"/>',
              f'    <TextArea name="note" toName="{TEXT}" perRegion="true" maxSubmissions="1" editable="true"/>',
              "  </View>", "</View>"]
    return "\n".join(lines) + "\n"
