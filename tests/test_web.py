"""zwgk serve as a web application: `zwgk serve` started as a process on a free loopback port over
the five sample ledgers, driven by a real headless Chromium (Debian's, through Selenium and
chromedriver) and by plain HTTP for the API, the SPARQL endpoint and the refusals.

One server and one browser per module. Screenshots of the main pages are written to a temporary
folder, or to ``ZWGK_SCREENSHOTS`` when set (``ZWGK_SCREENSHOTS=docs/screenshots`` refreshes the
README's)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import CHROMIUM, HEADLESS_FLAGS

pytestmark = pytest.mark.server

CHROMEDRIVER = Path("/usr/bin/chromedriver")
ZWGK = Path(sys.executable).parent / "zwgk"
TIMEOUT = 5
"""The server's query time limit (seconds): every saved query takes milliseconds on the samples."""

SHIQUAN = "2021-ab5383965a"
HUBEI = "2020-314af18bf3"
HUALONG = "2020-4bd17732d6"
EXAMPLES = {
    "aligned-tasks": {"a": HUALONG, "b": HUBEI},
    "indicator-tree": {"ledger": SHIQUAN},
    "tasks-due-before": {"before": "2020-12-01"},
    "unit-tasks": {"unit": "财政局"},
}
"""Values for the required parameters that have no default (taken from the queries' descriptions)."""


def examples(query) -> dict[str, str]:
    """Values for a saved query's required parameters without a default: ``EXAMPLES``, else the
    example its description gives (``unit 参数（如 财政局）``, ``parameter (e.g. 2020)``)."""
    values = dict(EXAMPLES.get(query.name, {}))
    for parameter in query.parameters:
        if not parameter.required or parameter.default is not None or parameter.name in values:
            continue
        found = re.search(
            rf"\b{re.escape(parameter.name)}\b[^（(]{{0,12}}[（(](?:e\.g\.|如)\s*([^)）,，、]+)[)）,，、]",
            query.description,
        )
        assert found, f"{query.name}: no example for its required parameter {parameter.name}"
        values[parameter.name] = found.group(1).strip()
    return values


@dataclass(frozen=True)
class Web:
    url: str
    first_line: str
    store: Path
    port: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None):
    """(status, headers, body) of one request, without any proxy and without raising on 4xx/5xx."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def get_json(url: str) -> object:
    status, _, body = fetch(url)
    assert status == 200, body[:300]
    return json.loads(body)


def triple_count(web: Web) -> int:
    body = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}).encode()
    status, _, answer = fetch(
        web.url + "/sparql",
        data=body,
        headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200, answer
    return int(json.loads(answer)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def web(sample_store, tmp_path_factory) -> Iterator[Web]:
    store = tmp_path_factory.mktemp("web") / "zwgk-data"
    shutil.copytree(sample_store, store)
    port = free_port()
    process = subprocess.Popen(
        [str(ZWGK), "--store", str(store), "serve", "--port", str(port), "--timeout", str(TIMEOUT)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first = process.stdout.readline()
        assert first, process.stderr.read()
        served = Web(url=f"http://127.0.0.1:{port}", first_line=first, store=store, port=port)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ledgers = get_json(served.url + "/api/ledgers")
            failed = 'class="error"' in fetch(served.url + "/validation")[2].decode("utf-8")
            if failed or all(item["validation"] is not None for item in ledgers):
                break
            time.sleep(0.2)
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, process.stderr.read()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    chosen = os.environ.get("ZWGK_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def follow(browser, element) -> None:
    """Click a link or a submit button and wait until the browser is on the next page: a click
    only starts the navigation, and on a busy machine the old page may still be there when the
    next line looks.

    The old page is marked with a window property that a new document does not have. Asking
    whether an old element went stale is not enough: in the middle of a navigation Chrome may
    answer with an inspector error instead, so every WebDriver error while waiting means "not
    yet"."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_script("window.zwgkOldPage = true")
    element.click()

    def arrived(driver) -> bool:
        return bool(
            driver.execute_script("return window.zwgkOldPage === undefined && document.readyState === 'complete'")
        )

    WebDriverWait(browser, 30, ignored_exceptions=(WebDriverException,)).until(arrived)


@pytest.fixture(scope="module")
def browser(web, tmp_path_factory):
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip("needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install -e .[test])")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in (
        *HEADLESS_FLAGS,
        "--lang=zh-CN",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def shoot(driver, folder: Path, name: str) -> None:
    """A full-page screenshot: the window is stretched to the page's height first."""
    width = driver.get_window_size()["width"]
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(height, 600), 2400))
    driver.save_screenshot(str(folder / f"{name}.png"))


# The browser ------------------------------------------------------------------------------


def test_ledgers_filter_to_one_jurisdiction_and_open_a_ledger(web, browser, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.set_window_size(1280, 900)
    browser.get(web.url + "/")
    assert browser.current_url == web.url + "/ledgers"
    assert browser.find_element(By.TAG_NAME, "h1").text == "台账"
    rows = browser.find_elements(By.CSS_SELECTOR, "#ledgers tbody tr")
    assert len(rows) == 5
    shoot(browser, shots, "ledgers")

    browser.set_window_size(1280, 900)
    Select(browser.find_element(By.ID, "f-province")).select_by_value("陕西省")
    follow(browser, browser.find_element(By.ID, "f-submit"))
    assert "province=%E9%99%95%E8%A5%BF%E7%9C%81" in browser.current_url
    rows = browser.find_elements(By.CSS_SELECTOR, "#ledgers tbody tr")
    assert [row.get_attribute("data-ledger") for row in rows] == [SHIQUAN]
    assert "石泉县" in rows[0].text and "150" in rows[0].text

    follow(browser, rows[0].find_element(By.CSS_SELECTOR, "a.ledger-link"))
    assert browser.current_url == f"{web.url}/ledgers/{SHIQUAN}"
    assert browser.find_element(By.ID, "doc-number").text == "石政办函〔2021〕12号"
    assert browser.find_element(By.ID, "source-file").text == "shiquan-2021-renwu-fenjie.txt"
    assert browser.find_element(By.ID, "sha256").text == (
        "f15420e49d901fdd4ec2cb24d893e9b96667572db036c18554d10734e586a565"
    )
    first = browser.find_element(By.ID, "task-1")
    assert first.find_element(By.CSS_SELECTOR, "td.lead").text == "石泉县人民政府办公室"
    assert first.find_element(By.CSS_SELECTOR, "td.line").text == "55"
    task42 = browser.find_element(By.ID, "task-42")
    assert (
        task42.find_element(By.CSS_SELECTOR, "td.lead").text
        == "石泉县农业农村局、石泉县发展和改革局、石泉县经贸局、石泉县财政局"
    )
    assert task42.find_element(By.CSS_SELECTOR, "td.line").text == "479"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#task-table tbody tr")) == 150
    shoot(browser, shots, "ledger")

    # A unit's name leads to the unit's page, which lists what it bears across ledgers.
    browser.set_window_size(1280, 900)
    follow(browser, task42.find_element(By.LINK_TEXT, "石泉县财政局"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "石泉县财政局"
    assert "/agencies/" in browser.current_url
    assert "定期公开债务限额" in browser.find_element(By.ID, "agency-tasks").text
    shoot(browser, shots, "agency")


def test_saved_query_form_runs_with_a_parameter_and_downloads_csv(web, browser, shots):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 900)
    browser.get(web.url + "/queries")
    shoot(browser, shots, "queries")
    browser.set_window_size(1280, 900)
    follow(browser, browser.find_element(By.LINK_TEXT, "unit-tasks"))
    field = browser.find_element(By.ID, "p-unit")
    assert field.get_attribute("required") is not None
    field.send_keys("财政局")
    follow(browser, browser.find_element(By.ID, "run"))
    assert browser.current_url == web.url + "/queries/unit-tasks?unit=%E8%B4%A2%E6%94%BF%E5%B1%80"
    rows = [
        [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        for row in browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    ]
    assert ["石泉县", "石泉县财政局", "牵头", SHIQUAN, "28"] == rows[2][:5]
    assert rows[2][5].startswith("定期公开债务限额、余额、债务率、偿债率")
    shoot(browser, shots, "query")

    href = browser.find_element(By.CSS_SELECTOR, "a.dl-csv").get_attribute("href")
    assert href == web.url + "/api/queries/unit-tasks.csv?unit=%E8%B4%A2%E6%94%BF%E5%B1%80"
    status, headers, body = fetch(href)
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert body.startswith(b"\xef\xbb\xbfjurisdiction,name,role,id,number,text,deadline\r\n")
    assert "石泉县,石泉县财政局,牵头,2021-ab5383965a,28,定期公开债务限额" in body.decode("utf-8-sig")

    # A date parameter is a date picker; the value it submits is bound as an xsd:date.
    browser.get(web.url + "/queries/tasks-due-before")
    picker = browser.find_element(By.ID, "p-before")
    assert picker.get_attribute("type") == "date"
    browser.execute_script("arguments[0].value = '2020-12-01'", picker)
    follow(browser, browser.find_element(By.ID, "run"))
    due = [
        row.find_element(By.TAG_NAME, "td").text for row in browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    ]
    assert due == ["2020-09-30", "2020-10-31", "2020-11-30", "2020-11-30"]
    editor = browser.find_element(By.ID, "open-editor").get_attribute("href")
    assert "2020-12-01" in urllib.parse.unquote(editor) and "xsd%3Adate" not in editor


def test_a_violation_opens_on_its_task(web, browser, shots):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 900)
    browser.get(web.url + "/validation?severity=violation")
    links = browser.find_elements(By.CSS_SELECTOR, "#all-results a.result-link")
    assert len(links) == 20
    shoot(browser, shots, "validation")
    browser.set_window_size(1280, 900)
    target = next(link for link in links if link.get_attribute("href").endswith(f"/ledgers/{HUBEI}#task-3"))
    follow(browser, target)
    assert browser.current_url == f"{web.url}/ledgers/{HUBEI}#task-3"
    landed = browser.execute_script("return document.querySelector(':target')")
    assert landed.get_attribute("id") == "task-3"
    assert landed.find_element(By.CSS_SELECTOR, "td.line").text == "28"
    assert landed.find_element(By.CSS_SELECTOR, "td.lead").text == ""
    assert "任务没有明确牵头单位" in landed.find_element(By.CSS_SELECTOR, "td.checks").text


def test_english_switch_phone_width_and_the_other_pages(web, browser, shots):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 900)
    browser.get(web.url + "/ledgers")
    follow(browser, browser.find_element(By.ID, "lang-switch"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Ledgers"
    browser.get(web.url + "/queries")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Queries"
    browser.get(web.url + "/ledgers?lang=zh")
    assert browser.find_element(By.TAG_NAME, "h1").text == "台账"

    browser.set_window_size(390, 844)
    browser.get(f"{web.url}/ledgers/{SHIQUAN}")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, "the page itself must not scroll sideways on a phone (wide tables scroll in their box)"
    shoot(browser, shots, "ledger-phone")

    for name, path in (
        ("compare", f"/compare?a={HUALONG}&b={HUBEI}"),
        ("report", "/report"),
        ("editor", "/sparql/editor"),
        ("topic", "/topics/PolicyInterpretation"),
    ):
        browser.set_window_size(1280, 900)
        browser.get(web.url + path)
        assert browser.find_elements(By.TAG_NAME, "h1"), path
        shoot(browser, shots, name)
    browser.get(web.url + "/sparql/editor")
    follow(browser, browser.find_element(By.ID, "editor-run"))
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#editor-results tbody tr:first-child td")]
    assert cells[0] == HUBEI and cells[2] == "20"


# Pages without a browser ------------------------------------------------------------------


def test_pages_load_nothing_from_elsewhere_and_send_a_security_policy(web):
    for path in ("/ledgers", f"/ledgers/{SHIQUAN}", "/queries/search-tasks", "/report", "/sparql/editor", "/api"):
        status, headers, body = fetch(web.url + path)
        assert status == 200, path
        policy = headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy
        page = body.decode("utf-8")
        loaded = re.findall(r"<(?:script|link|img|iframe)\b[^>]*(?:src|href)=\"([^\"]+)\"", page)
        assert loaded and all(url.startswith("/static/") for url in loaded), (path, loaded)
        assert "<script" not in page
    status, headers, body = fetch(web.url + "/report.html")
    assert status == 200 and "script-src" not in headers["Content-Security-Policy"]
    assert "政务公开任务台账比较报告" in body.decode("utf-8")


def test_report_counts_link_to_their_tasks(web):
    page = fetch(web.url + "/report")[2].decode("utf-8")
    assert f'<a href="/ledgers/{HUBEI}?filter=violation#tasks">20</a>' in page
    filtered = fetch(f"{web.url}/ledgers/{HUBEI}?filter=violation")[2].decode("utf-8")
    assert filtered.count('<tr id="task-') == 20
    without = fetch(f"{web.url}/ledgers/{HUALONG}?filter=without-lead")[2].decode("utf-8")
    assert without.count('<tr id="task-') == 0
    cells = re.findall(r'<a href="(/topics/\w+\?ledger=[\w-]+)">(\d+)</a>', page)
    assert len(cells) > 20
    for href, count in cells[:12]:
        listed = fetch(web.url + href)[2].decode("utf-8")
        tasks = set(re.findall(r'<a href="/ledgers/[\w-]+#task-(\d+)">', listed))
        assert len(tasks) == int(count), href


def test_ledger_downloads(web):
    status, headers, body = fetch(f"{web.url}/ledgers/{SHIQUAN}/tasks.csv")
    assert status == 200 and body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == "台账,序号,指标,任务内容,牵头单位,责任/配合单位,完成时限,截止日期,原文行号"
    assert lines[1].startswith(f"{SHIQUAN},1,政府信息公开 > 主动公开 > 会议公开 > 制度建立与落实,")
    assert lines[1].endswith(",石泉县人民政府办公室,,常态化开展,,55")
    status, headers, body = fetch(f"{web.url}/ledgers/{SHIQUAN}/tasks.xlsx")
    assert status == 200 and body[:2] == b"PK" and "attachment" in headers["Content-Disposition"]
    status, headers, body = fetch(f"{web.url}/ledgers/{SHIQUAN}/graph.ttl")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    assert "石政办函〔2021〕12号" in body.decode("utf-8")
    status, _, body = fetch(f"{web.url}/ledgers/{SHIQUAN}/graph.jsonld")
    document = json.loads(body)
    assert document["@graph"][0]["@id"] == f"id:graph/{SHIQUAN}"
    tasks = get_json(f"{web.url}/api/ledgers/{SHIQUAN}/tasks")
    assert tasks["tasks"][0]["lead_units"] == ["石泉县人民政府办公室"] and tasks["tasks"][0]["source_line"] == 55
    assert fetch(f"{web.url}/ledgers/2099-0000000000")[0] == 404


def test_api_ledgers_filters(web):
    everything = get_json(web.url + "/api/ledgers")
    assert {item["id"] for item in everything} == {SHIQUAN, HUBEI, HUALONG, "2024-e0e5bb0c5e", "undated-7c203e772c"}
    failing = get_json(web.url + "/api/ledgers?violations=1")
    assert sorted(item["id"] for item in failing) == [HUBEI, "undated-7c203e772c"]
    assert [item["id"] for item in get_json(web.url + "/api/ledgers?level=City")] == ["2024-e0e5bb0c5e"]
    assert [item["id"] for item in get_json(web.url + "/api/ledgers?q=" + urllib.parse.quote("华龙政办"))] == [HUALONG]


# The API ----------------------------------------------------------------------------------


def cli_rows(web: Web, name: str, values: dict[str, str]) -> dict:
    command = [str(ZWGK), "--store", str(web.store), "query", name, "--format", "json"]
    for key, value in values.items():
        command += ["-p", f"{key}={value}"]
    done = subprocess.run(command, capture_output=True, check=True)
    return json.loads(done.stdout)


def test_every_saved_query_answers_through_the_api_as_zwgk_query_does(web):
    from zwgk.queries.saved import catalogue

    queries = catalogue()
    assert {"search-tasks", "unit-tasks", "tasks-due-before", "indicator-tree"} <= {q.name for q in queries}
    for query in queries:
        values = examples(query)
        expected = cli_rows(web, query.name, values)
        got = get_json(f"{web.url}/api/queries/{query.name}?{urllib.parse.urlencode(values)}")
        assert got == expected, query.name
    found = get_json(web.url + "/api/queries/unit-tasks?unit=%E8%B4%A2%E6%94%BF%E5%B1%80")
    assert len(found["results"]["bindings"]) == 11
    for accept, kind, start in (
        ("text/tab-separated-values", "text/tab-separated-values", b"?jurisdiction\t?name"),
        ("application/sparql-results+xml", "application/sparql-results+xml", b"<?xml"),
        ("text/csv;q=0.5, application/sparql-results+json", "application/sparql-results+json", b'{"head"'),
    ):
        status, headers, body = fetch(web.url + "/api/queries/unit-tasks?unit=x", headers={"Accept": accept})
        assert status == 200 and headers["Content-Type"].startswith(kind) and body.startswith(start), accept
    status, _, body = fetch(web.url + "/api/queries/tasks-due-before")
    assert status == 400 and "before" in json.loads(body)["error"]
    assert fetch(web.url + "/api/queries/no-such-query")[0] == 400
    assert fetch(web.url + "/api/queries/..%2F..%2Fetc%2Fpasswd.rq")[0] in (400, 404)


def test_openapi_description_validates(web):
    from openapi_spec_validator import validate

    document = get_json(web.url + "/api/openapi.json")
    validate(document)
    assert document["openapi"].startswith("3.")
    before = document["paths"]["/api/queries/tasks-due-before"]["get"]["parameters"]
    assert before == [
        {
            "name": "before",
            "in": "query",
            "required": True,
            "description": "xsd:date (SPARQL variable ?_before_xsd_date), bound as one typed RDF term",
            "schema": {"type": "string", "format": "date"},
        }
    ]
    kinds = document["paths"]["/api/queries/requirements-compare"]["get"]["parameters"][0]["schema"]["enum"]
    assert kinds == ["zw:TimeLimit", "zw:Minimum", "zw:Maximum", "zw:Frequency", "zw:Ratio"]
    from zwgk.queries.saved import catalogue

    assert {p for p in document["paths"] if p.startswith("/api/queries/")} == {
        f"/api/queries/{query.name}" for query in catalogue()
    }


# Refusals ---------------------------------------------------------------------------------

PAYLOADS = (
    'x" } ; DROP ALL ; #',
    "x' } INSERT DATA { <urn:a> <urn:b> <urn:c> } #",
    "<script>alert(1)</script>",
    "} UNION { ?s ?p ?o } #",
    "> SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #",
)


def test_injection_payloads_in_every_field_are_only_values(web):
    from zwgk.queries.saved import catalogue

    before = triple_count(web)
    for query in catalogue():
        for parameter in query.parameters:
            for payload in PAYLOADS:
                values = {**examples(query), parameter.name: payload}
                status, _, body = fetch(f"{web.url}/api/queries/{query.name}?{urllib.parse.urlencode(values)}")
                plain = (parameter.datatype or "#string").endswith("#string")
                if parameter.kind == "literal" and plain and not parameter.choices:
                    assert status == 200, (query.name, parameter.name, payload, body[:200])
                    assert json.loads(body)["results"]["bindings"] == [], (query.name, parameter.name, payload)
                else:
                    assert status == 400, (query.name, parameter.name, payload, body[:200])
                    assert parameter.name in json.loads(body)["error"]
                page = fetch(f"{web.url}/queries/{query.name}?{urllib.parse.urlencode(values)}")[2].decode("utf-8")
                assert "<script>alert" not in page
    for field in ("q", "province", "level", "year", "violations", "page", "lang"):
        for payload in PAYLOADS:
            status, _, body = fetch(f"{web.url}/ledgers?{urllib.parse.urlencode({field: payload})}")
            assert status == 200 and "<script>alert" not in body.decode("utf-8"), (field, payload)
    for path in ("/validation?severity=", "/validation?ledger=", "/topics/PolicyInterpretation?ledger=", "/compare?a="):
        status, _, body = fetch(web.url + path + urllib.parse.quote(PAYLOADS[2]))
        assert status in (200, 404) and "<script>alert" not in body.decode("utf-8"), path
    assert triple_count(web) == before


def test_writes_are_refused(web):
    before = triple_count(web)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    insert = "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"
    for path in ("/sparql", "/query"):
        status, _, body = fetch(web.url + path, data=urllib.parse.urlencode({"update": insert}).encode(), headers=form)
        assert status == 403 and "read-only" in body.decode()
        status, _, _ = fetch(
            web.url + path, data=insert.encode(), headers={"Content-Type": "application/sparql-update"}
        )
        assert status == 403
        status, _, _ = fetch(web.url + path, data=urllib.parse.urlencode({"query": insert}).encode(), headers=form)
        assert status == 403
    assert fetch(web.url + "/sparql?update=" + urllib.parse.quote(insert))[0] == 403
    for method in ("PUT", "DELETE", "POST"):
        assert fetch(web.url + "/store?default", data=b"<urn:a> <urn:b> <urn:c> .", method=method)[0] in (404, 405)
        assert fetch(web.url + "/ledgers", data=b"x", method=method)[0] == 405
    status, _, body = fetch(
        web.url + "/sparql",
        data=urllib.parse.urlencode(
            {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}
        ).encode(),
        headers=form,
    )
    assert status == 403 and "SERVICE" in body.decode()
    assert triple_count(web) == before


def test_bound_to_loopback_by_default(web):
    assert f"http://127.0.0.1:{web.port}/" in web.first_line and "/sparql" in web.first_line
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            address = probe.getsockname()[0]
    except OSError:
        address = "127.0.0.1"
    if address.startswith("127."):
        pytest.skip("this machine has no address besides loopback to try")
    with socket.socket() as sock:
        sock.settimeout(2)
        assert sock.connect_ex((address, web.port)) != 0
