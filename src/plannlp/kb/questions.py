"""Named questions users ask the plan knowledge base, as parameterised SPARQL.

``plannlp kb ask --list`` shows them; ``plannlp kb ask NAME [ARG]`` runs one.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError

PREFIXES = """PREFIX plannlp: <https://w3id.org/plannlp/ns#>
PREFIX role: <https://w3id.org/plannlp/role/>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX sdg: <http://metadata.un.org/sdg/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


@dataclass(frozen=True)
class Question:
    name: str
    description: str
    sparql: str
    argument: str | None = None  # name of the one argument, if any

    def render(self, value: str | None) -> str:
        if self.argument is None:
            if value is not None:
                raise UsageError(f"'{self.name}' takes no argument.")
            return PREFIXES + self.sparql
        if value is None:
            raise UsageError(f"'{self.name}' needs {self.argument}, e.g. `plannlp kb ask {self.name} 11`.")
        if not value.isdigit():
            raise UsageError(f"{self.argument} must be a number, got '{value}'.")
        return PREFIXES + self.sparql.replace("$ARG", value)


QUESTIONS: dict[str, Question] = {q.name: q for q in (
    Question("documents", "Plan documents in the store: title, municipality, period, sentences.", """
SELECT ?document ?title ?municipality ?start ?end (COUNT(DISTINCT ?s) AS ?sentences) WHERE {
  ?document a plannlp:PlanDocument .
  OPTIONAL { ?document dcterms:title ?title }
  OPTIONAL { ?document dcterms:spatial/schema:name ?municipality }
  OPTIONAL { ?document plannlp:periodStart ?start } OPTIONAL { ?document plannlp:periodEnd ?end }
  OPTIONAL { ?s prov:wasDerivedFrom ?document }
} GROUP BY ?document ?title ?municipality ?start ?end ORDER BY ?municipality ?title"""),
    Question("role-counts", "How many sentences of each role every document has.", """
SELECT ?document ?role (COUNT(?s) AS ?sentences) WHERE {
  ?s a plannlp:Sentence ; prov:wasDerivedFrom ?document ; plannlp:role ?r .
  BIND(STRAFTER(STR(?r), "https://w3id.org/plannlp/role/") AS ?role)
} GROUP BY ?document ?role ORDER BY ?document ?role"""),
    Question("measures-by-sdg", "Measures (施策) linked to SDG goal N, most confident first.", """
SELECT ?municipality ?section ?text ?confidence WHERE {
  ?s a plannlp:Sentence ; plannlp:role role:measure ; schema:text ?text ; plannlp:sdgLink ?link ;
     prov:wasDerivedFrom ?document ; dcterms:isPartOf ?part .
  ?link plannlp:goal sdg:$ARG ; plannlp:confidence ?confidence .
  OPTIONAL { ?part dcterms:title ?section }
  OPTIONAL { ?document dcterms:spatial/schema:name ?municipality }
} ORDER BY DESC(?confidence)""", argument="GOAL"),
    Question("issues-without-measure", "Issues (現状と課題) whose topic has no measure under it.", """
SELECT DISTINCT ?municipality ?topic ?text WHERE {
  ?issue a plannlp:Sentence ; plannlp:role role:issue ; schema:text ?text ;
         dcterms:isPartOf ?section ; prov:wasDerivedFrom ?document .
  ?section a plannlp:Section ; dcterms:isPartOf ?topicNode .
  ?topicNode a plannlp:Section .
  OPTIONAL { ?topicNode dcterms:title ?topic }
  OPTIONAL { ?document dcterms:spatial/schema:name ?municipality }
  # a topic has a measure when one sits one, two or three levels below it
  MINUS { ?m1 plannlp:role role:measure ; dcterms:isPartOf ?topicNode }
  MINUS { ?m2 plannlp:role role:measure ; dcterms:isPartOf/dcterms:isPartOf ?topicNode }
  MINUS { ?m3 plannlp:role role:measure ; dcterms:isPartOf/dcterms:isPartOf/dcterms:isPartOf ?topicNode }
} ORDER BY ?municipality ?topic"""),
    Question("indicators-by-year", "Indicators with a target for year N: baseline and that target.", """
SELECT ?municipality ?indicator ?baseline ?baselineYear ?target WHERE {
  ?i a plannlp:Indicator ; schema:name ?indicator ; plannlp:targetValue ?t .
  ?t plannlp:year ?year ; plannlp:valueText ?target .
  FILTER(STR(?year) = "$ARG")
  OPTIONAL { ?i plannlp:baseline ?b . ?b plannlp:valueText ?baseline . OPTIONAL { ?b plannlp:year ?baselineYear } }
  OPTIONAL { ?i prov:wasDerivedFrom/dcterms:spatial/schema:name ?municipality }
} ORDER BY ?municipality ?indicator""", argument="YEAR"),
    Question("sdg-coverage", "How many sentences link each SDG goal, by municipality.", """
SELECT ?municipality ?goal (COUNT(DISTINCT ?s) AS ?sentences) WHERE {
  ?s plannlp:sdgLink ?link ; prov:wasDerivedFrom ?document .
  ?link plannlp:goal ?g .
  BIND(STRAFTER(STR(?g), "http://metadata.un.org/sdg/") AS ?goal)
  OPTIONAL { ?document dcterms:spatial/schema:name ?municipality }
} GROUP BY ?municipality ?goal ORDER BY ?municipality xsd:integer(?goal)"""),
)}


def question(name: str) -> Question:
    try:
        return QUESTIONS[name]
    except KeyError:
        raise UsageError(f"No question named '{name}'. Known: {', '.join(QUESTIONS)}.") from None
