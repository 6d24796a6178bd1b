"""JUnit XML: valid against junit-10, unique test names, outcomes mapped as documented."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dsaudit.core.models import AuditResult, Evidence, Result, Severity, Status
from dsaudit.reports.junit import REPORTER

lxml_etree = pytest.importorskip("lxml.etree", reason="lxml validates JUnit XML against the XSD")


@pytest.fixture
def schema(schemas_dir: Path):
    return lxml_etree.XMLSchema(lxml_etree.parse(str(schemas_dir / "junit.xsd")))


def _root(audit: AuditResult) -> ET.Element:
    return ET.fromstring(REPORTER.render(audit, {}).encode("utf-8"))


def test_validates_against_junit10(audit: AuditResult, schema) -> None:
    document = lxml_etree.fromstring(REPORTER.render(audit, {}).encode("utf-8"))
    assert schema.validate(document), schema.error_log


def test_one_suite_per_pack_with_counts(audit: AuditResult) -> None:
    root = _root(audit)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert sorted(suites) == ["cn-csl", "cn-dsl", "cn-pipl", "dsaudit"]
    pipl = suites["cn-pipl"]
    assert (pipl.get("tests"), pipl.get("failures"), pipl.get("errors"), pipl.get("skipped")) == (
        "7",
        "2",
        "0",
        "3",
    )
    assert suites["dsaudit"].get("errors") == "2"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("15", "4", "3")


def test_testcase_names_and_outcomes(audit: AuditResult) -> None:
    cases = {c.get("name"): c for c in _root(audit).iter("testcase")}
    failure = cases["PIPL-38-XBORDER[transfer/crm-to-sg]"].find("failure")
    assert failure is not None
    assert failure.get("type") == "critical"
    assert failure.get("message").endswith("(PIPL Art. 38)")
    assert "remediation: Fix it" in failure.text
    assert cases["PIPL-38-XBORDER[transfer/crm-to-sg]"].get("classname") == (
        "cn-pipl.PIPL-38-XBORDER"
    )
    waived = cases["PIPL-51-ENC[dataset/logs-archive]"].find("skipped")
    assert waived.get("message") == (
        "waived: Archive is offline tape; migration scheduled "
        "(approved by Li Wei (DPO), until 2026-12-31)"
    )
    manual = cases["PIPL-54-AUDIT[organization/acme]"].find("skipped")
    assert manual.get("message").startswith("manual evidence required")
    assert cases["PIPL-38-XBORDER[transfer/internal-bi]"].find("skipped") is not None
    error = cases["DSL-21-CLASS[dataset/hr]"].find("error")
    assert "TypeError" in error.text
    assert cases["DSAUDIT-PARSE[config/configs/broken.yaml]"].find("error") is not None
    passed = cases["PIPL-51-ENC[dataset/orders]"]
    assert list(passed) == []
    baselined = cases["DSL-21-CLASS[dataset/marketing]"].find("skipped")
    assert baselined.get("message").startswith("baselined")


def test_duplicate_names_get_a_counter(audit: AuditResult) -> None:
    twin = Result(
        "CSL-21-LOGS",
        Status.FAIL,
        Severity.HIGH,
        "config",
        "configs/nginx/nginx.conf",
        message="error_log retention is 30 days",
        fingerprint_basis="/http/error_log/retention_days",
        pack="cn-csl",
    )
    audit.results.append(twin)
    names = [c.get("name") for c in _root(audit).iter("testcase")]
    assert len(names) == len(set(names))
    assert "CSL-21-LOGS[config/configs/nginx/nginx.conf] #2" in names


def test_control_characters_do_not_break_the_xml(audit: AuditResult, schema) -> None:
    audit.results[0].message = "bad \x00 byte \x1b[31m and \ud800 surrogate"
    audit.results[0].evidence = (Evidence("/x", "\x07bell"),)
    document = lxml_etree.fromstring(REPORTER.render(audit, {}).encode("utf-8"))
    assert schema.validate(document), schema.error_log


def test_suite_properties_carry_reproducibility_metadata(audit: AuditResult) -> None:
    suite = next(s for s in _root(audit).findall("testsuite") if s.get("name") == "cn-csl")
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["dsaudit.version"] == "0.1.0"
    assert props["pack.sha256"] == "b" * 64
    assert props["input.sha256:configs/app.yaml"] == "e" * 64
    assert props["parameter:CSL-21-LOGS.min_days"] == "180"
    pipl = next(s for s in _root(audit).findall("testsuite") if s.get("name") == "cn-pipl")
    assert "parameter:CSL-21-LOGS.min_days" not in {p.get("name") for p in pipl.iter("property")}
