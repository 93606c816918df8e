#!/usr/bin/env python3
"""Validates OCSF Compliance Findings (class 2003) against the OCSF 1.7.0 schema.

    .venv/bin/python infra/validate_ocsf.py FILE...   # or - for standard input

Each FILE holds a JSON array of OCSF objects (what `sidewatch scan --format ocsf` writes) or one
object. The schema is the published OCSF 1.7.0 one as the pinned `pydantic-ocsf` package ships it
(infra/requirements.txt), used two ways:

* its Pydantic model of the class validates types (strictly: no string for a number), required attributes, enum values, caption
  siblings and `type_uid` = `class_uid` * 100 + `activity_id`;
* the schema itself: no attribute that the class, its objects or the profiles the object declares
  in `metadata.profiles` do not define (the models would keep them silently), and every object's
  `at_least_one` constraint.

Exit 0 when every object is valid, 1 when one is not (each problem on standard error, with the
object's index, `finding_info.uid` and the attribute path), 2 on unreadable input.
"""

import json
import sys
from importlib import resources

from pydantic import BaseModel, ValidationError

from ocsf.v1_7_0 import events, objects

OCSF_VERSION = "1.7.0"
SCHEMA = json.loads(
    resources.files("ocsf").joinpath("schemas/v1_7_0.json").read_text(encoding="utf-8")
)
# The classes this validator knows, by class_uid.
CLASSES = {2003: events.ComplianceFinding}
# Profile attributes (OCSF profiles/*.json, which the packaged schema leaves as `$include`s): the
# attribute, its object model, and whether the profile requires it.
PROFILES = {
    "cloud": {"cloud": (objects.Cloud, True), "api": (objects.Api, False)},
}
# Attributes whose content the schema leaves to the producer.
FREE_FORM = {"unmapped", "data"}


def snake(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def at_least_one(object_name):
    """The object's `at_least_one` constraint: its own, else the nearest one it extends."""
    spec = SCHEMA["objects"].get(object_name)
    while spec is not None:
        group = spec.get("constraints", {}).get("at_least_one")
        if group:
            return group
        spec = SCHEMA["objects"].get(spec.get("extends", ""))
    return None


def walk(model, path, problems):
    """Attributes the schema does not define, and unmet constraints, in a validated model."""
    for name in model.model_extra or {}:
        problems.append(f"{path}{name}: not an attribute of {type(model).__name__} in OCSF {OCSF_VERSION}")
    present = model.model_fields_set | set(model.model_extra or {})
    group = at_least_one(snake(type(model).__name__))
    if group and not any(getattr(model, field, None) is not None for field in group):
        problems.append(f"{path.rstrip('.') or '(event)'}: needs at least one of {', '.join(group)}")
    for name in type(model).model_fields:
        if name in FREE_FORM or name not in present:
            continue
        children(getattr(model, name), f"{path}{name}", problems)


def children(value, path, problems):
    if isinstance(value, BaseModel):
        walk(value, path + ".", problems)
    elif isinstance(value, list):
        for index, element in enumerate(value):
            children(element, f"{path}[{index}]", problems)


def errors_of(exc, prefix=""):
    return [
        f"{prefix}{'.'.join(str(p) for p in e['loc']) or '(event)'}: {e['msg']}"
        for e in exc.errors()
    ]


def problems_of(event):
    """Every way `event` is not a valid OCSF object of a known class."""
    if not isinstance(event, dict):
        return [f"(event): a JSON object is needed, found {type(event).__name__}"]
    model_class = CLASSES.get(event.get("class_uid"))
    if model_class is None:
        return [f"class_uid: {event.get('class_uid')!r} is not one of {sorted(CLASSES)}"]
    profiles = (event.get("metadata") or {}).get("profiles") or []
    declared = {}
    problems = []
    for profile in profiles:
        if profile not in PROFILES:
            problems.append(f"metadata.profiles: this validator does not know profile {profile!r}")
            continue
        declared.update(PROFILES[profile])
    base = {k: v for k, v in event.items() if k not in declared}
    try:
        model = model_class.model_validate_json(json.dumps(base), strict=True)
    except ValidationError as exc:
        return problems + errors_of(exc)
    walk(model, "", problems)
    for name, (attribute_model, required) in declared.items():
        if name not in event:
            if required:
                problems.append(f"{name}: required by the profile in metadata.profiles")
            continue
        try:
            model = attribute_model.model_validate_json(json.dumps(event[name]), strict=True)
            walk(model, name + ".", problems)
        except ValidationError as exc:
            problems.extend(errors_of(exc, name + "."))
    version = (event.get("metadata") or {}).get("version")
    if version != OCSF_VERSION:
        problems.append(f"metadata.version: {version!r}, this validator checks {OCSF_VERSION}")
    return problems


def main(paths):
    invalid = 0
    count = 0
    for path in paths or ["-"]:
        try:
            text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
            document = json.loads(text)
        except (OSError, ValueError) as exc:
            print(f"{path}: cannot read JSON: {exc}", file=sys.stderr)
            return 2
        for index, event in enumerate(document if isinstance(document, list) else [document]):
            count += 1
            problems = problems_of(event)
            if problems:
                invalid += 1
                uid = (event.get("finding_info") or {}).get("uid") if isinstance(event, dict) else None
                for problem in problems:
                    print(f"{path}[{index}] {uid or ''}: {problem}", file=sys.stderr)
    print(f"{count - invalid} of {count} OCSF objects valid against OCSF {OCSF_VERSION}")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
