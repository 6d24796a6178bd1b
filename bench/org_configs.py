"""Config files of the synthetic organization: a realistic mix of YAML, JSON, TOML, INI, .env.

Files come in groups of :data:`FILES_PER_SERVICE`, one group per service, under
``configs/<business unit>/<service>/<env>/``. A service draws its file kinds (all different, so
paths never collide) from its own random stream; file ``i`` draws its content from
``random.Random(f"{seed}:config:{i}")``. A few percent of the settings violate a rule that the
shipped packs are expected to check (log retention < 180 days, public or unencrypted buckets,
buckets outside China, TLS below 1.2, plaintext secrets); each file reports the labels it carries.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from writers import env_dump, ini_dump, json_dump, toml_dump, yaml_dump, yaml_dump_all

FILES_PER_SERVICE = 8
BUSINESS_UNITS = ("retail", "payments", "logistics", "marketing", "hr", "risk", "data", "support")
SERVICE_WORDS = ("order", "cart", "user", "billing", "ledger", "search", "notify", "report", "auth")
ENVS = ("prod", "prod", "staging", "dev")
CN_REGIONS = ("cn-beijing", "cn-shanghai", "cn-hangzhou", "cn-shenzhen")
FOREIGN_REGIONS = ("us-east-1", "ap-southeast-1", "eu-central-1")
GOOD_TLS = ("TLSv1.2", "TLSv1.3")
OLD_TLS = ("TLSv1", "TLSv1.1")
VIOLATION_RATE = 0.03


@dataclass(slots=True)
class Service:
    """Where a config file lives and whom it belongs to."""

    name: str
    unit: str
    env: str


@dataclass(slots=True)
class Draw:
    """The random stream of one file plus the labels of what it planted."""

    rng: random.Random
    labels: set[str] = field(default_factory=set)

    def bad(self, label: str, rate: float = VIOLATION_RATE) -> bool:
        """True (and remember ``label``) for ``rate`` of the draws."""
        if self.rng.random() < rate:
            self.labels.add(label)
            return True
        return False

    def retention(self) -> int:
        if self.bad("config.log_retention_short", 0.04):
            return self.rng.choice([7, 30, 90])
        return self.rng.choice([180, 180, 365, 400, 730])

    def tls(self) -> str:
        return (
            self.rng.choice(OLD_TLS)
            if self.bad("config.tls_outdated")
            else self.rng.choice(GOOD_TLS)
        )

    def secret(self, name: str) -> str:
        if self.bad("config.plaintext_secret", 0.02):
            alphabet = string.ascii_letters + string.digits
            return "".join(self.rng.choice(alphabet) for _ in range(20))
        return self.rng.choice([f"${{{name}}}", f"vault:kv/data/app#{name.lower()}"])

    def bucket(self, service: Service, n: int) -> dict[str, Any]:
        region = self.rng.choice(CN_REGIONS)
        if self.bad("config.bucket_region_abroad", 0.02):
            region = self.rng.choice(FOREIGN_REGIONS)
        encrypted = not self.bad("config.bucket_unencrypted")
        return {
            "name": f"{service.unit}-{service.name}-{service.env}-{n}",
            "region": region,
            "public_access": self.bad("config.bucket_public", 0.02),
            "encryption": {"enabled": encrypted, "algorithm": "AES256" if encrypted else "none"},
            "versioning": self.rng.random() < 0.6,
            "lifecycle": {"expire_days": self.rng.choice([30, 90, 365, 1095])},
        }


def _application_yaml(d: Draw, s: Service) -> str:
    doc = {
        "app": {"name": s.name, "env": s.env, "owner": f"team-{s.unit}"},
        "server": {
            "port": d.rng.choice([8080, 8443, 9000]),
            "tls": {"enabled": True, "min_version": d.tls()},
        },
        "logging": {"level": d.rng.choice(["info", "warn"]), "retention_days": d.retention()},
        "database": {
            "host": f"{s.name}-db.{s.env}.internal",
            "port": 5432,
            "user": s.name.replace("-", "_"),
            "password": d.secret("DB_PASSWORD"),
            "tls": {"min_version": d.tls()},
        },
    }
    text = f"# {s.name} ({s.env}) application settings\n" + yaml_dump(doc)
    if d.rng.random() < 0.1:  # anchors and merge keys, as hand-written configs have them
        text += (
            "defaults: &client_defaults\n  timeout_ms: 3000\n  retries: 3\n"
            "clients:\n  inventory:\n    <<: *client_defaults\n"
            f"    endpoint: https://inventory.{s.env}.internal\n"
        )
    return text


def _storage_yaml(d: Draw, s: Service) -> str:
    docs = [
        {"kind": "Bucket", **d.bucket(s, n)} for n in range(d.rng.randint(1, 4))
    ]  # multi-document: one bucket per document
    return f"# object storage for {s.name}\n" + yaml_dump_all(docs)


def _logging_yaml(d: Draw, s: Service) -> str:
    doc = {
        "logging": {
            "level": d.rng.choice(["info", "debug", "warn"]),
            "retention_days": d.retention(),
            "sinks": [
                {"type": "file", "path": f"/var/log/{s.name}/app.log"},
                {"type": "sls", "project": f"{s.unit}-logs", "region": d.rng.choice(CN_REGIONS)},
            ],
        },
        "audit_log": {"enabled": True, "retention_days": d.retention()},
    }
    return yaml_dump(doc)


def _k8s_yaml(d: Draw, s: Service) -> str:
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"{s.name}-config", "namespace": s.unit},
        "data": {"log.retention.days": str(d.retention()), "tls.min_version": d.tls()},
    }
    container = {
        "name": s.name,
        "image": f"registry.example.com/{s.unit}/{s.name}:1.{d.rng.randint(0, 40)}",
        "env": [
            {"name": "APP_ENV", "value": s.env},
            {"name": "API_TOKEN", "value": d.secret("API_TOKEN")},
        ],
        "resources": {"limits": {"cpu": "500m", "memory": "512Mi"}},
    }
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": s.name, "namespace": s.unit},
        "spec": {
            "replicas": d.rng.randint(1, 6),
            "template": {"spec": {"containers": [container]}},
        },
    }
    return yaml_dump_all([config_map, deployment])


def _pipeline_yaml(d: Draw, s: Service) -> str:
    doc = {
        "stages": ["lint", "test", "build", "deploy"],
        "variables": {"SERVICE": s.name, "DEPLOY_ENV": s.env},
        "deploy": {"stage": "deploy", "script": ["make image", f"kubectl apply -f k8s/{s.env}"]},
        "cache": {"paths": [".cache/pip"], "key": f"{s.name}-{d.rng.randint(1, 9)}"},
    }
    return yaml_dump(doc)


def _settings_json(d: Draw, s: Service) -> str:
    doc = {
        "service": s.name,
        "environment": s.env,
        "http": {"port": 8080, "tls": {"min_version": d.tls(), "ciphers": "HIGH:!aNULL"}},
        "logging": {"retention_days": d.retention(), "format": "json"},
        "datasource": {"url": f"jdbc:mysql://{s.name}-db:3306/app", "password": d.secret("DB_PW")},
    }
    return json_dump(doc)


def _buckets_json(d: Draw, s: Service) -> str:
    return json_dump({"buckets": [d.bucket(s, n) for n in range(d.rng.randint(1, 3))]})


def _flags_json(d: Draw, s: Service) -> str:
    names = ("new_checkout", "dark_mode", "ab_pricing", "fast_refund", "beta_search")
    return json_dump({"flags": {name: d.rng.random() < 0.5 for name in names}, "owner": s.unit})


def _service_toml(d: Draw, s: Service) -> str:
    doc = {
        "title": f"{s.name} service",
        "server": {"bind": "0.0.0.0:8080", "workers": d.rng.randint(2, 16)},
        "database": {
            "url": f"postgres://{s.name}-db:5432/app",
            "password": d.secret("DATABASE_PASSWORD"),
            "tls": {"min_version": d.tls()},
        },
        "logging": {"retention_days": d.retention(), "level": "info"},
    }
    return toml_dump(doc)


def _database_ini(d: Draw, s: Service) -> str:
    sections = {
        "database": {
            "host": f"{s.name}-db.{s.env}.internal",
            "port": 3306,
            "user": s.name.replace("-", "_"),
            "password": d.secret("MYSQL_PASSWORD"),
        },
        "tls": {"enabled": True, "min_version": d.tls()},
        "pool": {"size": d.rng.choice([5, 10, 20]), "timeout": 30},
    }
    return f"; {s.name} database settings\n" + ini_dump(sections)


def _app_ini(d: Draw, s: Service) -> str:
    bucket = d.bucket(s, 0)
    sections = {
        "app": {"name": s.name, "env": s.env},
        "logging": {"level": "info", "retention_days": d.retention()},
        "storage": {
            "bucket": bucket["name"],
            "region": bucket["region"],
            "public_access": bucket["public_access"],
            "encryption": bucket["encryption"]["algorithm"],
        },
    }
    return ini_dump(sections)


def _dotenv(d: Draw, s: Service) -> str:
    values = {
        "APP_ENV": s.env,
        "DB_HOST": f"{s.name}-db.{s.env}.internal",
        "DB_PASSWORD": d.secret("DB_PASSWORD"),
        "LOG_RETENTION_DAYS": d.retention(),
        "TLS_MIN_VERSION": d.tls(),
        "STORAGE_REGION": d.rng.choice(CN_REGIONS),
    }
    return f"# {s.name} {s.env}\n" + env_dump(values)


Builder = Callable[[Draw, Service], str]
KINDS: tuple[tuple[str, str, int, Builder], ...] = (
    # file name, format, weight (how often a service has one), builder
    ("application.yaml", "yaml", 10, _application_yaml),
    ("storage.yaml", "yaml", 6, _storage_yaml),
    ("logging.yaml", "yaml", 6, _logging_yaml),
    ("k8s.yaml", "yaml", 5, _k8s_yaml),
    ("pipeline.yml", "yaml", 3, _pipeline_yaml),
    ("settings.json", "json", 6, _settings_json),
    ("buckets.json", "json", 4, _buckets_json),
    ("feature-flags.json", "json", 2, _flags_json),
    ("service.toml", "toml", 6, _service_toml),
    ("database.ini", "ini", 5, _database_ini),
    ("app.ini", "ini", 4, _app_ini),
    (".env", "env", 6, _dotenv),
)
MULTI_DOC = frozenset({"storage.yaml", "k8s.yaml"})


def service_plan(seed: int, index: int) -> tuple[str, str, list[int], list[str]]:
    """Service ``index``: its name, business unit, kinds (indexes into KINDS) and envs per slot."""
    rng = random.Random(f"{seed}:service:{index}")
    # weighted sampling without replacement (Efraimidis-Spirakis keys)
    keys = sorted(range(len(KINDS)), key=lambda k: rng.random() ** (1 / KINDS[k][2]), reverse=True)
    envs = [rng.choice(ENVS) for _ in range(FILES_PER_SERVICE)]
    name = f"{rng.choice(SERVICE_WORDS)}-svc-{index + 1:04d}"
    return name, BUSINESS_UNITS[index % len(BUSINESS_UNITS)], keys[:FILES_PER_SERVICE], envs


@dataclass(slots=True)
class ConfigFile:
    path: str
    """POSIX path relative to the organization folder."""
    format: str
    text: str
    documents: int
    labels: set[str]


def config_file(seed: int, index: int) -> ConfigFile:
    """The ``index``-th config file of the organization."""
    slot = index % FILES_PER_SERVICE
    name, unit, kinds, envs = service_plan(seed, index // FILES_PER_SERVICE)
    file_name, fmt, _, build = KINDS[kinds[slot]]
    service = Service(name=name, unit=unit, env=envs[slot])
    draw = Draw(random.Random(f"{seed}:config:{index}"))
    text = build(draw, service)
    documents = text.count("\n---\n") + text.startswith("---\n") if file_name in MULTI_DOC else 1
    path = f"configs/{unit}/{name}/{service.env}/{file_name}"
    return ConfigFile(path, fmt, text, documents, draw.labels)
