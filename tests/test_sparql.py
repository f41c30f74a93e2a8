"""The saved-query library: grlc headers, parameters as typed terms (never query text), running,
refusing updates, and the W3C result formats."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pyoxigraph import Literal, NamedNode, QueryResultsFormat, parse_query_results

from zwgk.errors import QueryError
from zwgk.queries import saved as sparql
from zwgk.store.embedded import LedgerStore

INJECTION = 'x" } ; DROP ALL ; #'
SHIQUAN = "2021-ab5383965a"
HUAINAN = "2024-e0e5bb0c5e"


def test_header_is_read_as_grlc_yaml_subset():
    header = sparql.parse_header(
        "#+ summary: 标题 / Title\n#+ tags: [a, 'b c']\n#+ endpoint: http://example.org/sparql\n"
        "#+ defaults:\n#+   - keyword: 政策解读\n#+ enumerate:\n#+   - kind:\n#+     - zw:TimeLimit\n"
        "#+     - zw:Ratio\n\nSELECT * WHERE { ?s ?p ?o }\n#+ ignored: after the query\n"
    )
    assert header == {
        "summary": "标题 / Title",
        "tags": ["a", "b c"],
        "endpoint": "http://example.org/sparql",
        "defaults": [{"keyword": "政策解读"}],
        "enumerate": [{"kind": ["zw:TimeLimit", "zw:Ratio"]}],
    }


@pytest.mark.parametrize(
    "variable, expected",
    [
        ("_keyword", ("keyword", True, "literal", None, None)),
        ("__ledger", ("ledger", False, "literal", None, None)),
        ("_kind_iri", ("kind", True, "iri", None, None)),
        ("__year_integer", ("year", False, "literal", sparql.XSD + "integer", None)),
        ("_since_xsd_date", ("since", True, "literal", sparql.XSD + "date", None)),
        ("_lead_unit", ("lead_unit", True, "literal", None, None)),
        ("_label_en", ("label", True, "literal", None, "en")),
    ],
)
def test_parameter_names_and_types(variable, expected):
    parameter = sparql._parameter(variable)
    assert (parameter.name, parameter.required, parameter.kind, parameter.datatype, parameter.language) == expected


def test_forms_and_where_group_ignore_strings_comments_and_templates():
    text = 'PREFIX ex: <http://ex/>\n# SELECT { not this\nCONSTRUCT { ?s ex:p "{" } WHERE { ?s ex:q ?_x }'
    assert sparql.query_form(text) == "CONSTRUCT"
    at = sparql.where_group_start(text)
    assert text[at - 7 : at] == "WHERE {"
    assert sparql.query_form("PREFIX ex: <http://ex/> DROP ALL") == "UPDATE"
    assert sparql.query_form("  ask { ?s ?p ?o }") == "ASK"
    query = sparql.parse_query('SELECT ?s WHERE { ?s ?p "?_notaparameter" . ?s ?q ?_real }', name="t")
    assert [p.name for p in query.parameters] == ["real"]


def test_catalogue_lists_parameters_with_types_and_defaults():
    by_name = {q.name: q for q in sparql.catalogue()}
    assert len(by_name) >= 12
    assert [p.as_dict() for p in by_name["search-tasks"].parameters] == [
        {
            "name": "keyword",
            "variable": "?_keyword",
            "required": True,
            "type": "xsd:string",
            "default": "政策解读",
            "choices": [],
        }
    ]
    kind = by_name["requirements-compare"].parameter("kind")
    assert (kind.required, kind.type_label, kind.choices[0]) == (False, "iri", "zw:TimeLimit")
    assert by_name["ledgers"].title_zh == "各台账概况"
    assert by_name["ledgers"].title_en == "Ledgers with jurisdiction, year and counts"


def test_values_become_typed_terms():
    query = sparql.find_query("requirements-compare")
    bound = sparql.bind(query, {"kind": "zw:TimeLimit"})
    assert bound.terms == {"__kind_iri": NamedNode("https://w3id.org/zwgk/ontology#TimeLimit")}
    bound = sparql.bind(sparql.find_query("tasks-due-before"), {"before": "2021-01-01"})
    assert bound.terms == {"_before_xsd_date": Literal("2021-01-01", datatype=NamedNode(sparql.XSD + "date"))}
    bound = sparql.bind(sparql.find_query("tasks-by-due-month"), {})
    assert bound.terms == {}


@pytest.mark.parametrize(
    "name, values, message",
    [
        ("indicator-tree", {}, "needs --param ledger"),
        ("tasks-by-due-month", {"year": "二〇二〇"}, "expects xsd:integer"),
        ("tasks-due-before", {"before": "2021-13-45"}, "expects xsd:date"),
        ("requirements-compare", {"kind": "zw:Nonsense"}, "must be one of"),
        ("ledgers", {"year": "2020"}, "has no parameter 'year'"),
    ],
)
def test_bad_parameters_are_refused(name, values, message):
    with pytest.raises(QueryError, match=message):
        sparql.bind(sparql.find_query(name), values)


def test_an_iri_parameter_cannot_carry_syntax():
    query = sparql.parse_query("SELECT ?s WHERE { ?s ?p ?_thing_iri }", name="t")
    with pytest.raises(QueryError, match="expects an IRI"):
        sparql.bind(query, {"thing": "http://x> } ; DROP ALL ; #"})


def _count(store):
    return len(list(store.raw.quads_for_pattern(None, None, None, None)))


def test_injection_is_just_a_string_and_the_store_is_unchanged(writable_store):
    with LedgerStore.open(writable_store) as store:
        before = _count(store)
        query = sparql.find_query("search-tasks")
        bound = sparql.bind(query, {"keyword": INJECTION})
        block = f" VALUES ?_keyword {{ {Literal(INJECTION)} }} "
        assert bound.inline().replace(block, "") == query.text
        assert sparql.run(store, query, values={"keyword": INJECTION}).rows == ()
        for name, values in [
            ("tasks-without-lead", {"ledger": INJECTION}),
            ("lead-workload", {"jurisdiction": INJECTION}),
            ("unit-tasks", {"unit": INJECTION}),
            ("indicator-tree", {"ledger": INJECTION}),
        ]:
            assert sparql.run(store, sparql.find_query(name), values=values).rows == ()
        assert _count(store) == before
        assert len(store.ledgers()) == 5


def test_a_value_is_one_escaped_term_in_a_values_block(sample_store):
    query = sparql.find_query("search-tasks")
    text = sparql.bind(query, {"keyword": INJECTION}).inline()
    assert 'VALUES ?_keyword { "x\\" } ; DROP ALL ; #" }' in text
    with LedgerStore.open(sample_store, read_only=True) as store:
        assert list(store.query(text)) == []
        found = sparql.run(store, query, values={"keyword": "政策解读"})
    assert len(found.rows) > 10 and all("政策解读" in row[3] for row in found.values())


def test_parameters_reach_the_subqueries_that_name_them(sample_store):
    text = """PREFIX zw: <https://w3id.org/zwgk/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id (COUNT(?task) AS ?tasks) WHERE {
  { SELECT ?id ?task WHERE { ?ledger dcterms:identifier ?_ledger ; dcterms:identifier ?id ; zw:task ?task } }
  { SELECT ?task WHERE { ?task a zw:Task } }
} GROUP BY ?id"""
    query = sparql.parse_query(text, name="t")
    bound = sparql.bind(query, {"ledger": SHIQUAN})
    assert bound.inline().count(f'VALUES ?_ledger {{ "{SHIQUAN}" }}') == 2
    with LedgerStore.open(sample_store, read_only=True) as store:
        assert sparql.run(store, query, values={"ledger": SHIQUAN}).values() == [(SHIQUAN, "150")]


def test_optional_parameter_left_unset_filters_nothing(sample_store):
    with LedgerStore.open(sample_store, read_only=True) as store:
        query = sparql.find_query("tasks-without-lead")
        everything = sparql.run(store, query)
        one = sparql.run(store, query, values={"ledger": "2020-314af18bf3"})
    assert everything.rows == one.rows and len(one.rows) == 20


def test_rows_follow_the_projection_with_none_where_unbound(sample_store):
    # The projection lists the variables in another order than the pattern binds them, and
    # ?number is unbound for the prose key points, whose 68 tasks carry no number.
    text = (
        "PREFIX zw: <https://w3id.org/zwgk/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
        "SELECT ?number ?id ?missing WHERE { ?task zw:ledger ?l ; zw:position 1 . ?l dcterms:identifier ?id "
        "OPTIONAL { ?task zw:number ?number } } ORDER BY ?id"
    )
    with LedgerStore.open(sample_store, read_only=True) as store:
        result = sparql.run(store, sparql.adhoc_query(text))
    assert result.variables == ("number", "id", "missing")
    assert [(None if n is None else n.value, i.value, m) for n, i, m in result.rows] == [
        ("（一）", "2020-314af18bf3", None),
        ("1", "2020-4bd17732d6", None),
        ("1", SHIQUAN, None),
        ("1", HUAINAN, None),
        (None, "undated-7c203e772c", None),
    ]


def test_updates_are_refused_unless_allowed(writable_store):
    update = sparql.adhoc_query("DROP ALL")
    with LedgerStore.open(writable_store) as store:
        before = _count(store)
        with pytest.raises(QueryError, match="--allow-update"):
            sparql.run(store, update)
        assert _count(store) == before
        insert = sparql.adhoc_query('INSERT DATA { GRAPH <urn:x:scratch> { <urn:x:a> <urn:x:b> "c" } }')
        sparql.run(store, insert, allow_update=True)
        assert _count(store) == before + 1


def test_read_only_query_command_cannot_write(sample_store):
    from click.testing import CliRunner

    from zwgk.cli import main

    result = CliRunner().invoke(main, ["--store", str(sample_store), "query", "-e", "CLEAR ALL"])
    assert result.exit_code == 2 and "--allow-update" in result.output
    with LedgerStore.open(sample_store, read_only=True) as store:
        assert len(store.ledgers()) == 5


def test_w3c_result_formats(sample_store):
    with LedgerStore.open(sample_store, read_only=True) as store:
        result = sparql.run(store, sparql.find_query("ledgers"))
    expected = result.values()
    for fmt, kind in [
        ("json", QueryResultsFormat.JSON),
        ("xml", QueryResultsFormat.XML),
        ("tsv", QueryResultsFormat.TSV),
    ]:
        parsed = parse_query_results(sparql.render(result, format=fmt), format=kind)
        assert [tuple(None if t is None else t.value for t in s) for s in parsed] == expected, fmt
    document = json.loads(sparql.render(result, format="json"))
    assert document["head"]["vars"][:3] == ["id", "jurisdiction", "year"]
    first = document["results"]["bindings"][0]
    assert first["jurisdiction"] == {"type": "literal", "value": "湖北省", "xml:lang": "zh"}
    assert first["tasks"] == {"type": "literal", "value": "20", "datatype": sparql.XSD + "integer"}
    csv_bytes = sparql.render(result, format="csv")
    assert csv_bytes.startswith(b"\xef\xbb\xbf")  # the UTF-8 BOM Excel needs
    csv_lines = csv_bytes.decode("utf-8-sig").splitlines()
    assert csv_lines[0] == "id,jurisdiction,year,issuer,tasks,indicators,leadUnits"
    assert csv_lines[1].startswith("2020-314af18bf3,湖北省,2020,湖北省人民防空办公室,20,")


def test_table_aligns_chinese_text(sample_store):
    from zwgk.textfmt import width

    with LedgerStore.open(sample_store, read_only=True) as store:
        result = sparql.run(store, sparql.find_query("lead-workload"), values={"jurisdiction": "淮南市"})
    lines = sparql.render(result, format="table").decode("utf-8").splitlines()
    assert lines[-1] == "(3 rows / 3 行)"
    starts = {
        width(line[: line.index(token)])
        for line, token in [(lines[0], "tasks"), (lines[2], "14"), (lines[3], "8"), (lines[4], "1")]
    }
    assert len(starts) == 1


def test_construct_and_ask_results(sample_store):
    with LedgerStore.open(sample_store, read_only=True) as store:
        graph = sparql.run(
            store,
            sparql.adhoc_query(
                "PREFIX zw: <https://w3id.org/zwgk/ontology#> CONSTRUCT { ?l a zw:Ledger } WHERE { ?l a zw:Ledger }"
            ),
        )
        ask = sparql.run(store, sparql.adhoc_query("ASK { ?s a <https://w3id.org/zwgk/ontology#Ledger> }"))
    assert len({t.subject for t in graph.triples}) == 5
    assert b"zw:Ledger" in sparql.render(graph, format="table")
    assert sparql.render(ask, format="table") == b"true\n"
    with pytest.raises(QueryError, match="gives a graph"):
        sparql.render(graph, format="csv")


def test_query_command_imports_no_rdflib_pyshacl_or_jieba(sample_store):
    code = (
        "import sys\nfrom zwgk.cli import main\n"
        f"try:\n    main(['--store', {str(sample_store)!r}, 'query', 'search-tasks', '--format', 'csv'])\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('rdflib', 'pyshacl', 'jieba'))\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "HEAVY []" in done.stderr, done.stderr
    assert done.stdout.splitlines()[0] == "\ufeffid,number,line,text,leads"


def test_cli_queries_and_query(sample_store):
    from click.testing import CliRunner

    from zwgk.cli import main

    runner = CliRunner()
    listed = runner.invoke(main, ["queries", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    names = {q["name"] for q in json.loads(listed.output)}
    assert {"ledgers", "search-tasks", "indicator-tree", "agency-types"} <= names
    table = runner.invoke(main, ["queries"])
    assert "各台账概况" in table.output and "keyword=xsd:string (政策解读)" in table.output
    done = runner.invoke(
        main,
        ["--store", str(sample_store), "query", "indicator-tree", "--param", f"ledger={HUAINAN}", "--format", "tsv"],
    )
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[1].startswith('1\t"一"\t"围绕服务经济和保障民生抓好主动公开"@zh')
    missing = runner.invoke(main, ["--store", str(sample_store), "query", "indicator-tree"])
    assert missing.exit_code == 2 and "needs --param ledger" in missing.output
    adhoc = runner.invoke(
        main,
        [
            "--store",
            str(sample_store),
            "query",
            "-e",
            "SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/zwgk/ontology#Task> }",
            "--format",
            "csv",
        ],
    )
    assert adhoc.output.splitlines() == ["\ufeffn", "297"]
    update = runner.invoke(main, ["--store", str(sample_store), "query", "-e", "DROP ALL"])
    assert update.exit_code == 2 and "--allow-update" in update.output


def test_rq_file_query(sample_store, tmp_path):
    from click.testing import CliRunner

    from zwgk.cli import main

    path = tmp_path / "count.rq"
    path.write_text(
        "#+ summary: 计数 / Count\nSELECT (COUNT(?l) AS ?n) WHERE { ?l a <https://w3id.org/zwgk/ontology#Ledger> ; "
        "<http://purl.org/dc/terms/identifier> ?__id }\n",
        encoding="utf-8",
    )
    done = CliRunner().invoke(
        main, ["--store", str(sample_store), "query", str(path), "-p", f"id={SHIQUAN}", "--format", "csv"]
    )
    assert done.output.splitlines() == ["\ufeffn", "1"]


def test_header_refuses_an_unknown_key_naming_the_file_and_line(tmp_path):
    query = tmp_path / "leads.rq"
    query.write_text(
        "#+ summary: 牵头单位\n#+ default:\n#+   - year: 2021\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8"
    )
    with pytest.raises(QueryError) as caught:
        sparql.find_query(str(query))
    assert str(caught.value) == (
        f"{query}, line 2: unknown header key 'default' "
        "(expected one of summary, description, tags, defaults, enumerate)"
    )


def test_tags_absent_or_empty_are_no_tags_and_a_scalar_is_one_tag():
    def tags(header: str) -> tuple[str, ...]:
        return sparql.parse_query(header + "SELECT * WHERE { ?s ?p ?o }\n", name="q").tags

    assert tags("") == () and tags("#+ tags:\n") == () and tags("#+ tags: []\n") == ()
    assert tags("#+ tags: 概况\n") == ("概况",)
    assert tags("#+ tags: [overview, 概况]\n") == ("overview", "概况")
