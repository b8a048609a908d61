#!/usr/bin/env python3
"""Derives the facts-only copies of Twitch's reference data that live in spec/.

Why: the upstream OpenAPI description carries Twitch's prose (summaries, descriptions, doc links).
Our generators need only the facts: paths, methods, operation ids, groups, parameters, bodies,
response schemas and example values, status codes, scopes, and which kind of token a call takes.
Usage: python3 scripts/extract-spec-facts.py <dir holding helix-openapi.json, eventsub-*.json>
"""
import json, re, sys, pathlib

src = pathlib.Path(sys.argv[1])
out = pathlib.Path(__file__).resolve().parent.parent / "spec"
PROSE = {"description", "summary", "externalDocs", "title"}

def strip(node, field_names=False):
    # Under "properties" the keys are field names ("title", "description" are real Twitch fields), not prose.
    if isinstance(node, dict):
        if field_names:
            return {k: strip(v) for k, v in node.items()}
        return {k: strip(v, k == "properties") for k, v in node.items() if k not in PROSE}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node

def token_kind(desc):
    # The only machine-usable trace of "which token" is the authorization sentence of each operation.
    d = desc.lower()
    if "json web token" in d or "jwt" in d:
        return "extension-jwt"
    if "are not required" in d:
        return "none"
    user = "user access token" in d or "user-access token" in d
    app = "app access token" in d
    if user and app:
        return "app-or-user"
    if app:
        return "app"
    return "user"

spec = json.loads((src / "helix-openapi.json").read_text())
paths = {}
for path, ops in spec["paths"].items():
    paths[path] = {}
    for method, op in ops.items():
        facts = strip(op)
        facts["x-token"] = token_kind(op.get("description", ""))
        responses = {}
        for status, resp in op.get("responses", {}).items():
            r = {}
            for ctype, content in resp.get("content", {}).items():
                c = {}
                if "schema" in content:
                    c["schema"] = strip(content["schema"])
                examples = [e["value"] for e in content.get("examples", {}).values() if "value" in e]
                if examples:
                    c["examples"] = examples
                r.setdefault("content", {})[ctype] = c
            responses[status] = r
        facts["responses"] = responses
        if "requestBody" in op:
            body = {}
            for ctype, content in op["requestBody"].get("content", {}).items():
                body[ctype] = {"schema": strip(content.get("schema", {}))}
            facts["requestBody"] = {"content": body, "required": op["requestBody"].get("required", False)}
        paths[path][method] = facts

scopes = sorted(spec["components"]["securitySchemes"]["twitch_auth"]["flows"]["implicit"]["scopes"].keys())
facts = {
    "x-source": "Facts (names, types, paths, scopes, status codes, examples) derived from the unofficial twitch-api-swagger "
                "description of Twitch Helix, snapshot 2026-02-27, by scripts/extract-spec-facts.py. Twitch's prose removed.",
    "openapi": spec["openapi"],
    "servers": spec.get("servers", []),
    "tags": [t["name"] for t in spec.get("tags", [])],
    "scopes": scopes,
    "paths": paths,
    "components": {"schemas": strip(spec["components"]["schemas"])},
}
(out / "helix-openapi.facts.json").write_text(json.dumps(facts, indent=1, ensure_ascii=False) + "\n")

examples = json.loads((src / "eventsub-examples.json").read_text())
(out / "eventsub-examples.json").write_text(json.dumps(examples, indent=1, ensure_ascii=False) + "\n")

proto = json.loads((src / "eventsub-websocket.json").read_text())
proto.pop("about", None)
(out / "eventsub-protocol.json").write_text(json.dumps(proto, indent=1, ensure_ascii=False) + "\n")
print("wrote", ", ".join(p.name for p in sorted(out.glob("*.json"))))
