"""The terraform parser: one document per resource and provider, regions, related, lines."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import pytest

pytest.importorskip("hcl2", reason="python-hcl2 is not installed (pip install python-hcl2)")

from dsaudit import DEFAULT_LIMITS, ParseError

from dsaudit_terraform.parser import TerraformParser

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _docs(rel: str) -> dict[str, Any]:
    content = (FIXTURES / rel).read_bytes()
    docs = TerraformParser().parse(rel, content, DEFAULT_LIMITS)
    assert [d.index for d in docs] == list(range(len(docs)))
    return {d.data["address"]: d for d in docs}


@pytest.mark.parametrize(
    ("path", "claimed"),
    [("infra/main.tf", True), ("main.tf.json", False), ("vars.tfvars", False), ("a.yaml", False)],
)
def test_claims_tf_files_only(path: str, claimed: bool) -> None:
    assert TerraformParser().claims(PurePosixPath(path)) is claimed


def test_aws_documents_regions_and_related_resources() -> None:
    docs = _docs("aws-china/main.tf")
    assert list(docs)[:2] == ["provider.aws.default", "provider.aws.sg"]
    orders = docs["aws_s3_bucket.orders"].data
    assert (orders["provider"], orders["region"]) == ("aws", "cn-north-1")
    assert orders["config"]["tags"] == {"data_class": "personal"}
    assert sorted(orders["related"]) == [
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
    ]
    exports = docs["aws_s3_bucket.exports"].data
    assert exports["region"] == "ap-southeast-1"  # provider = aws.sg
    assert exports["related"]["aws_s3_bucket_acl"][0]["config"]["acl"] == "public-read"
    crm = docs["aws_db_instance.crm"].data["config"]
    assert (crm["storage_encrypted"], crm["publicly_accessible"]) is not None
    assert crm["storage_encrypted"] is False and crm["publicly_accessible"] is True


def test_region_from_a_variable_default_in_the_same_file() -> None:
    docs = _docs("alicloud/main.tf")
    assert docs["alicloud_oss_bucket.members"].data["region"] == "cn-hangzhou"
    sse = docs["alicloud_oss_bucket.members"].data["config"]["server_side_encryption_rule"]
    assert sse == [{"sse_algorithm": "KMS"}]


def test_unresolved_region_is_kept_as_an_expression() -> None:
    text = b'provider "aws" {\n  region = var.where\n}\nresource "aws_s3_bucket" "x" {\n}\n'
    [_provider, bucket] = TerraformParser().parse("x.tf", text, DEFAULT_LIMITS)
    assert "region" not in bucket.data
    assert bucket.data["region_expression"] == "${var.where}"


@pytest.mark.parametrize(
    ("address", "path", "line"),
    [
        ("aws_s3_bucket.orders", ("config", "tags", "data_class"), 14),
        ("aws_s3_bucket.exports", ("region",), 8),
        ("aws_s3_bucket.exports", ("related", "aws_s3_bucket_acl", 0, "config", "acl"), 46),
        (
            "aws_s3_bucket.orders",
            (
                "related",
                "aws_s3_bucket_server_side_encryption_configuration",
                0,
                "config",
                "rule",
                0,
                "apply_server_side_encryption_by_default",
                0,
                "sse_algorithm",
            ),
            22,
        ),
        ("aws_db_instance.crm", ("config", "publicly_accessible"), 53),
        ("aws_db_instance.crm", ("type",), 49),
        ("provider.aws.sg", ("region",), 8),
    ],
    ids=[
        "tag",
        "region-from-provider",
        "related-acl",
        "related-nested",
        "attr",
        "header",
        "provider-region",
    ],
)
def test_lines_point_at_the_source(address: str, path: tuple, line: int) -> None:
    doc = _docs("aws-china/main.tf")[address]
    assert doc.locator.line_of(path) == line


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        (b'resource "a" "b" {\n  x = \n}\n', 2, "invalid HCL"),
        (b'resource "a" "b" {\n  x = "\xff"\n}\n', 2, "not UTF-8"),
    ],
    ids=["syntax", "encoding"],
)
def test_bad_input_names_file_and_line(content: bytes, line: int, words: str) -> None:
    with pytest.raises(ParseError) as info:
        TerraformParser().parse("infra/bad.tf", content, DEFAULT_LIMITS)
    assert info.value.file == "infra/bad.tf" and info.value.line == line
    assert words in str(info.value)
