"""Python type hints as a contract: JSON Schema, TypeScript declarations, and readable checks.

A module that defines a contract with ``TypedDict`` classes and ``X: TypeAlias = ...`` aliases
is read by ``Contract``: ``json_schema()`` turns it into JSON Schema (draft 2020-12, one entry
in ``$defs`` per name), ``problem()`` checks a value against that schema and says in words
what is wrong, and ``typescript()`` writes the same names as TypeScript declarations.

Only the subset a JSON message needs is understood: ``TypedDict`` (``NotRequired`` keys),
``Literal``, unions, ``None``, ``str``, ``int``, ``float``, ``bool``, ``Any``, ``list[X]`` and
``dict[str, X]``. Anything else raises ``TypeError`` when the contract is read, so a type the
generators cannot render never reaches the wire.
"""

from __future__ import annotations

import ast
import inspect
import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any, Literal, Union, get_args, get_origin, is_typeddict

from nb_feedback.base._arrowtext import dumps
from nb_feedback.domain._checks import short_repr

_SCALARS: dict[object, tuple[str, str]] = {  # python type: (JSON Schema type, TypeScript)
    str: ("string", "string"),
    int: ("integer", "number"),
    float: ("number", "number"),
    bool: ("boolean", "boolean"),
    type(None): ("null", "null"),
}


class Contract:
    """The named types of one module, in the order the module defines them."""

    def __init__(self, module: types.ModuleType, constants: Mapping[str, Any] = {}) -> None:
        self.module = module
        self.constants = dict(constants)  # TypeScript name -> Literal alias whose values it lists
        self.names: dict[str, Any] = {}
        annotations = getattr(module, "__annotations__", {})
        for name, value in vars(module).items():
            if name.startswith("_"):
                continue
            defined_here = is_typeddict(value) and value.__module__ == module.__name__
            if defined_here or annotations.get(name) in ("TypeAlias", typing.TypeAlias):
                self.names[name] = value
        self._hints = {
            name: typing.get_type_hints(tp) for name, tp in self.names.items() if is_typeddict(tp)
        }
        self._defs = {name: self._def_schema(name, tp) for name, tp in self.names.items()}

    # ------------------------------------------------------------------ JSON Schema
    def json_schema(self, root: str | None = None) -> dict[str, Any]:
        """Return the contract as JSON Schema; with ``root``, one that validates that type."""
        schema: dict[str, Any] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"{self.module.__name__} wire contract",
        }
        if root is not None:
            if root not in self._defs:
                raise KeyError(f"{root!r} is not a type of {self.module.__name__}")
            schema["$ref"] = f"#/$defs/{root}"
        schema["$defs"] = self._defs
        return schema

    def _name_of(self, tp: Any) -> str | None:
        for name, named in self.names.items():
            if named is tp:
                return name
        # get_type_hints rebuilds generic aliases (dict[str, X]): an alias is then an equal copy
        for name, named in self.names.items():
            if not is_typeddict(named) and named == tp:
                return name
        return None

    def _def_schema(self, name: str, tp: Any) -> dict[str, Any]:
        if not is_typeddict(tp):
            return self._schema(tp, inline=name)
        hints = self._hints[name]
        out: dict[str, Any] = {"type": "object"}
        doc = _doc(tp)
        if doc:
            out["description"] = doc
        out["properties"] = {key: self._schema(hint) for key, hint in hints.items()}
        out["required"] = [key for key in hints if key in tp.__required_keys__]
        out["additionalProperties"] = False
        return out

    def _schema(self, tp: Any, inline: str | None = None) -> dict[str, Any]:
        named = None if inline else self._name_of(tp)
        if named is not None:
            return {"$ref": f"#/$defs/{named}"}
        if tp is Any:
            return {}
        if tp in _SCALARS:
            return {"type": _SCALARS[tp][0]}
        origin, args = get_origin(tp), get_args(tp)
        if origin is Literal:
            return {"const": args[0]} if len(args) == 1 else {"enum": list(args)}
        if origin in (Union, types.UnionType):
            return {"anyOf": [self._schema(a) for a in args]}
        if origin is list:
            return {"type": "array", "items": self._schema(args[0])}
        if origin is dict and args[0] is str:
            items = self._schema(args[1])
            return {"type": "object", **({"additionalProperties": items} if items else {})}
        if is_typeddict(tp):
            raise TypeError(f"{tp.__name__}: a TypedDict of the contract must be public")
        raise TypeError(f"{tp!r}: not a type the wire contract can carry")

    # ------------------------------------------------------------------ checks
    def problem(self, root: str, value: object) -> str | None:
        """Say what is wrong with ``value`` as a ``root`` (naming the field), or return None."""
        return self._problem({"$ref": f"#/$defs/{root}"}, value, "")

    def _resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while "$ref" in schema:
            schema = self._defs[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def _problem(self, schema: Mapping[str, Any], value: object, path: str) -> str | None:
        schema = self._resolve(schema)
        if "anyOf" in schema:
            picked = self._discriminated(schema["anyOf"], value, path)
            if picked is not None:
                return picked or None
            if any(self._problem(s, value, path) is None for s in schema["anyOf"]):
                return None
            return self._expected(schema, value, path)
        if "const" in schema or "enum" in schema:
            allowed = [schema["const"]] if "const" in schema else schema["enum"]
            if any(value == a and type(value) is type(a) for a in allowed):
                return None
            return self._expected(schema, value, path)
        kind = schema.get("type")
        if kind is None:
            return None
        if not _is(kind, value):
            return self._expected(schema, value, path)
        if kind == "array":
            assert isinstance(value, list)
            for i, item in enumerate(value):
                problem = self._problem(schema["items"], item, f"{path}[{i}]")
                if problem:
                    return problem
        elif kind == "object":
            assert isinstance(value, dict)
            return self._object_problem(schema, value, path)
        return None

    def _object_problem(
        self, schema: Mapping[str, Any], value: dict[Any, Any], path: str
    ) -> str | None:
        properties: Mapping[str, Any] = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in value:
                where = _join(path, key)
                return f"{where!r} is missing: expected {self.describe(properties[key])}"
        for key, item in value.items():
            where = _join(path, str(key))
            if key in properties:
                problem = self._problem(properties[key], item, where)
            else:
                extra = schema.get("additionalProperties", True)
                if extra is False:
                    return f"unexpected field {where!r}: expected only {', '.join(properties)}"
                problem = None if extra is True else self._problem(extra, item, where)
            if problem:
                return problem
        return None

    def _discriminated(self, options: list[Any], value: object, path: str) -> str | None:
        """Check ``value`` against the option its tag names; None when no tag tells them apart.

        Returns "" when the value is valid, so that a wrong ``type`` is reported as such
        rather than as "none of these shapes".
        """
        objects = [self._resolve(o) for o in options]
        if not isinstance(value, dict) or any("properties" not in o for o in objects):
            return None
        for key in objects[0]["properties"]:
            tags = [o["properties"].get(key, {}).get("const") for o in objects]
            if all(isinstance(t, str) for t in tags) and len(set(tags)) == len(tags):
                where = _join(path, key)
                expected = "one of " + _or([repr(t) for t in tags])
                if key not in value:
                    return f"{where!r} is missing: expected {expected}"
                if value[key] not in tags:
                    return f"{where!r}: expected {expected}, got {short_repr(value[key])}"
                chosen = options[tags.index(value[key])]
                return self._problem(chosen, value, path) or ""
        return None

    def _expected(self, schema: Mapping[str, Any], value: object, path: str) -> str:
        where = repr(path) if path else "the message"
        return f"{where}: expected {self.describe(schema)}, got {short_repr(value)}"

    def describe(self, schema: Mapping[str, Any], plural: bool = False) -> str:
        """Say in words what ``schema`` accepts ("a list of strings", "one of 'a' or 'b'")."""
        schema = self._resolve(schema)
        if "anyOf" in schema:
            return _or([self.describe(s, plural) for s in schema["anyOf"]])
        if "const" in schema:
            return repr(schema["const"])
        if "enum" in schema:
            return "one of " + _or([repr(v) for v in schema["enum"]])
        kind = schema.get("type")
        if kind == "array":
            return "a list of " + self.describe(schema["items"], plural=True)
        if kind == "object" and "properties" in schema:
            keys = ", ".join(schema["properties"])
            return f"{{{keys}}} objects" if plural else f"an object {{{keys}}}"
        if kind == "object":
            return "objects" if plural else "an object"
        words = {
            "string": ("a string", "strings"),
            "integer": ("an integer", "integers"),
            "number": ("a number", "numbers"),
            "boolean": ("true or false", "true or false"),
            "null": ("null", "null"),
        }
        return words[kind][plural] if kind in words else ("values" if plural else "any value")

    # ------------------------------------------------------------------ TypeScript
    def typescript(self, header: str) -> str:
        """Return the contract as TypeScript declarations, each with its docstring."""
        docs = _attribute_docs(self.module)
        out = [f"// {line}".rstrip() for line in header.splitlines()]
        for name, values in self.constants.items():
            alias = self._name_of(values)
            listed = ", ".join(dumps(v, "a wire literal") for v in get_args(values))
            out += ["", f"export const {name}: readonly {alias}[] = [{listed}];"]
        for name, tp in self.names.items():
            out.append("")
            doc = _doc(tp) if is_typeddict(tp) else docs.get(name)
            out += _jsdoc(doc, "")
            if not is_typeddict(tp):
                out.append(f"export type {name} = {self._ts(tp, inline=True)};")
            elif not self._hints[name]:
                out.append(f"export type {name} = Record<string, never>;")
            else:
                out.append(f"export interface {name} {{")
                for key, hint in self._hints[name].items():
                    out += _jsdoc(docs.get(f"{name}.{key}"), "  ")
                    optional = "" if key in tp.__required_keys__ else "?"
                    out.append(f"  {key}{optional}: {self._ts(hint)};")
                out.append("}")
        return "\n".join(out) + "\n"

    def _ts(self, tp: Any, inline: bool = False) -> str:
        named = None if inline else self._name_of(tp)
        if named is not None:
            return named
        if tp is Any:
            return "unknown"
        if tp in _SCALARS:
            return _SCALARS[tp][1]
        origin, args = get_origin(tp), get_args(tp)
        if origin is Literal:
            return " | ".join(dumps(a, "a wire literal") for a in args)
        if origin in (Union, types.UnionType):
            return " | ".join(self._ts(a) for a in args)
        if origin is list:
            item = self._ts(args[0])
            return f"({item})[]" if " " in item else f"{item}[]"
        if origin is dict:
            return f"Record<string, {self._ts(args[1])}>"
        raise TypeError(f"{tp!r}: not a type the wire contract can carry")

    def reachable(self, roots: list[str]) -> set[str]:
        """Return the names used, directly or not, by the types ``roots``."""
        seen: set[str] = set()
        todo = list(roots)
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo += list(_refs(self._defs[name]))
        return seen


def _is(kind: str, value: object) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "null":
        return value is None
    if kind == "array":
        return isinstance(value, list)
    return isinstance(value, dict)  # "object"


def _refs(schema: object) -> Iterator[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref":
                yield value.rsplit("/", 1)[1]
            else:
                yield from _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _refs(value)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _doc(tp: type) -> str:
    """Return a TypedDict's own docstring (not the one TypedDict gives every class), cleaned."""
    doc = tp.__dict__.get("__doc__")
    return inspect.cleandoc(doc) if doc else ""


def _jsdoc(doc: str | None, indent: str) -> list[str]:
    if not doc:
        return []
    lines = doc.replace("``", "`").splitlines()
    if len(lines) == 1:
        return [f"{indent}/** {lines[0]} */"]
    return [f"{indent}/**", *(f"{indent} * {line}".rstrip() for line in lines), f"{indent} */"]


def _attribute_docs(module: types.ModuleType) -> dict[str, str]:
    """Return the docstrings written under aliases ("Name") and TypedDict keys ("Class.key").

    TypedDict keeps no trace of its base classes at run time, so they are read from the source.
    """
    tree = ast.parse(inspect.getsource(module))
    docs: dict[str, str] = {}

    def scan(body: list[ast.stmt], prefix: str) -> None:
        for stmt, following in zip(body, [*body[1:], None], strict=True):
            if isinstance(stmt, ast.ClassDef):
                for base in stmt.bases:  # a key written in a base class keeps its docstring
                    inherited = f"{getattr(base, 'id', '')}."
                    for key, doc in list(docs.items()):
                        if key.startswith(inherited):
                            docs[stmt.name + key[len(inherited) - 1 :]] = doc
                scan(stmt.body, f"{stmt.name}.")
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[prefix + stmt.target.id] = inspect.cleandoc(following.value.value)

    scan(tree.body, "")
    return docs
