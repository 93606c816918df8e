#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the repository's
fixtures, so that no seed file is committed: control fixtures (both item shapes), the event
fixtures of each door, the policy documents found in the fixtures, and JSON Lines / snapshot files
built from the fixtures (with a broken line). Run from anywhere; rerunning rewrites the seeds."""

import hashlib
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
CONTROL_FIXTURES = sorted((ROOT / "crates" / "core" / "src" / "controls").glob("*/fixtures/*/*.json"))
EVENTS = ROOT / "tests" / "fixtures" / "events"
POLICY_KEYS = ("policytext", "policy", "policydocument", "document", "assumerolepolicydocument")


def write(target: str, data: bytes) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def policies(value):
    """Every value under a key that names a policy document, at any depth."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key.lower() in POLICY_KEYS and isinstance(inner, (str, dict)):
                yield inner
            yield from policies(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from policies(inner)
    elif isinstance(value, str) and value.startswith("{"):
        # The API shape embeds configuration as JSON strings.
        try:
            yield from policies(json.loads(value))
        except ValueError:
            pass


def main() -> None:
    items = []
    for path in CONTROL_FIXTURES:
        text = path.read_bytes()
        write("item", text)
        items.append(json.loads(text))
        for policy in policies(items[-1]):
            write("policy", (policy if isinstance(policy, str) else json.dumps(policy)).encode())
    for door, target in (("config-rule", "config_rule_event"), ("eventbridge", "eventbridge_event"),
                         ("securityhub", "finding_event")):
        for path in sorted((EVENTS / door).glob("*.json")):
            write(target, path.read_bytes())
    # The reader of `sidewatch scan`: small snapshot files, JSON Lines, a broken line among good ones.
    for start in range(0, len(items), 8):
        group = items[start:start + 8]
        lines = [json.dumps(i) for i in group]
        write("snapshot", json.dumps({"fileVersion": "1.0", "configurationItems": group}).encode())
        write("snapshot", ("\n".join(lines) + "\n").encode())
        write("snapshot", ("\n".join(lines[:1] + ['{"resourceType": "AWS::S3::Bucket", "res'] + lines[1:]) + "\n").encode())
    count = sum(1 for _ in CORPUS.glob("*/*"))
    print(f"seed corpora: {count} files in {CORPUS}")


if __name__ == "__main__":
    main()
