"""Every reply the e2e tests receive, checked against the interface description that declares it.

The descriptions are those `yeard --print-protocol` prints (test_shapes.py holds them equal to what the daemon serves),
parsed by the Python `varlink` package: an independent reader of the Varlink grammar, not yeard's own. A reply whose
parameters lack a field, carry one the description does not declare, or hold a value of another type (an enum value
outside its cases, a string for an int), and an error the interface does not declare, fail the test that got it.
"""

from __future__ import annotations

import re
import subprocess
from functools import lru_cache

import varlink
from varlink.scanner import _Alias, _Array, _CustomType, _Dict, _Enum, _Error, _Maybe, _Method, _Object, _Struct


@lru_cache(maxsize=1)
def interfaces(yeard: str) -> dict[str, varlink.Interface]:
    """The interfaces `yeard --print-protocol` describes, by name."""
    text = subprocess.run([yeard, "--print-protocol"], check=True, capture_output=True, text=True).stdout
    found = {}
    for block in re.findall(r"^```\n(.*?)^```", text, flags=re.S | re.M):
        if "\ninterface " in "\n" + block:
            interface = varlink.Interface(block)
            found[interface.name] = interface
    return found


def mismatch(interface: varlink.Interface, value, kind, path: str = "") -> str | None:
    """Why `value` is not of `kind` (a type of the varlink package's parser), or None."""
    where = path or "parameters"
    if isinstance(kind, _Maybe):
        return None if value is None else mismatch(interface, value, kind.element_type, path)
    if value is None:
        return f"{where}: missing"
    if isinstance(kind, _CustomType):
        member = interface.members.get(kind.name)
        if not isinstance(member, _Alias):
            return f"{where}: the type {kind.name} is not declared"
        return mismatch(interface, value, member.type, path)
    if isinstance(kind, _Struct):
        if not isinstance(value, dict):
            return f"{where}: {value!r} is not an object"
        unknown = sorted(set(value) - set(kind.fields))
        if unknown:
            return f"{where}.{unknown[0]}: not declared (declared: {', '.join(kind.fields)})"
        for name, field in kind.fields.items():
            problem = mismatch(interface, value.get(name), field, f"{path}.{name}" if path else name)
            if problem:
                return problem
        return None
    if isinstance(kind, _Enum):
        return None if isinstance(value, str) and value in kind.fields else f"{where}: {value!r} not in {list(kind.fields)}"
    if isinstance(kind, _Array):
        if not isinstance(value, list):
            return f"{where}: {value!r} is not an array"
        for index, item in enumerate(value):
            problem = mismatch(interface, item, kind.element_type, f"{where}[{index}]")
            if problem:
                return problem
        return None
    if isinstance(kind, _Dict):
        if not isinstance(value, dict):
            return f"{where}: {value!r} is not a map"
        for key, item in value.items():
            problem = mismatch(interface, item, kind.element_type, f"{where}[{key}]")
            if problem:
                return problem
        return None
    if isinstance(kind, set):  # [string]()
        return None if isinstance(value, dict) and all(v == {} for v in value.values()) else f"{where}: not a set"
    if isinstance(kind, _Object):
        return None if isinstance(value, dict) else f"{where}: {value!r} is not an object"
    if isinstance(kind, bool):
        return None if isinstance(value, bool) else f"{where}: {value!r} is not a bool"
    if isinstance(kind, int):
        return None if isinstance(value, int) and not isinstance(value, bool) else f"{where}: {value!r} is not an int"
    if isinstance(kind, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if ok else f"{where}: {value!r} is not a float"
    if isinstance(kind, str):
        return None if isinstance(value, str) else f"{where}: {value!r} is not a string"
    return f"{where}: unknown type {kind!r}"


def problem(yeard: str, method: str, reply: dict) -> str | None:
    """What is wrong with `reply` to `method`, or None (a method or interface yeard does not serve is not checked:
    the tests call such names on purpose, and the error they get is checked as an error)."""
    known = interfaces(yeard)
    if "error" in reply:
        name = reply["error"]
        interface_name, _, error_name = name.rpartition(".")
        interface = known.get(interface_name)
        if interface is None:
            return f"the error {name} belongs to no interface yeard describes"
        error = interface.members.get(error_name)
        if not isinstance(error, _Error):
            return f"the error {name} is not declared by {interface_name}"
        parameters = dict(reply.get("parameters") or {})
        if interface_name == "org.varlink.service":
            parameters.pop("message", None)  # yeard adds a sentence for people to the standard errors
            if error_name == "InvalidParameter":
                # ... and to InvalidParameter its English reason and the note that says it in any language
                # (docs/protocol.md): a string, and {"code": string, "params": {string: string}}.
                reason = parameters.pop("reason", "")
                if not isinstance(reason, str):
                    return f"parameters.reason of {name} is not a string: {reason!r}"
                note = parameters.pop("note", None)
                if note is not None and not (
                        isinstance(note, dict) and set(note) == {"code", "params"} and isinstance(note["code"], str)
                        and isinstance(note["params"], dict)
                        and all(isinstance(k, str) and isinstance(v, str) for k, v in note["params"].items())):
                    return f"parameters.note of {name} is not a note: {note!r}"
        return mismatch(interface, parameters, error.type)
    interface_name, _, method_name = method.rpartition(".")
    interface = known.get(interface_name)
    if interface is None or not isinstance(interface.members.get(method_name), _Method):
        return None
    return mismatch(interface, reply.get("parameters") or {}, interface.members[method_name].out_type)
