#!/usr/bin/env python3
"""Writes blink-server's COMMAND DOCS resource from a Redis checkout's command descriptions.

    blink-server/scripts/command-docs.py /path/to/redis-7.0.15 \
        > blink-server/src/main/resources/io/blinkstore/server/command/command-docs.txt

Redis 7.0 declares each command in src/commands/<name>.json; its COMMAND DOCS reply is built from the summary,
since, group, complexity, doc flags, deprecation, history and arguments there (server.c, addReplyCommandDocs).
This script writes that reply for every command Redis has, in the order and shape Redis writes it, as a tree of
typed lines the server reads once (CommandDocs): `@name` starts a command (subcommands as `client|list`), then
`M n` a map of n pairs, `A n` an array, `S n` a set, `I n` an integer, `B text` a bulk string (backslash and line
breaks escaped), `F flag` a flag (a status reply, as Redis writes flags). A container's own entry leaves its subcommands out: the server lists those it has. The server
answers for the commands of its table only, so a command added later finds its documentation here already.
Nothing of Redis's code is copied; the descriptions are data about the commands.
"""
import glob
import json
import os
import sys

DOC_FLAGS = ["deprecated", "syscmd"]
ARG_FLAGS = ["optional", "multiple", "multiple_token"]


def text(value):
    return "B " + value.replace("\\", "\\\\").replace("\n", "\\n")


def present(desc, field):
    """Redis's generator writes NULL for a missing or empty string; the reply then leaves the field out."""
    return bool(desc.get(field))


def arguments(args, out):
    out.append("A %d" % len(args))
    for arg in args:
        pairs = [("name", [text(arg["name"].lower())]), ("type", [text(arg["type"])])]
        if "key_spec_index" in arg:
            pairs.append(("key_spec_index", ["I %d" % arg["key_spec_index"]]))
        if present(arg, "token"):
            # Redis's generator writes the token between quotes in C: MIGRATE's '""' becomes """", an empty string.
            token = "" if arg["token"] == '""' else arg["token"].upper()
            pairs.append(("token", [text(token)]))
        for field in ("summary", "since", "deprecated_since"):
            if present(arg, field):
                pairs.append((field, [text(arg[field])]))
        flags = [flag for flag in ARG_FLAGS if arg.get(flag, False)]
        if flags:
            pairs.append(("flags", ["S %d" % len(flags)] + ["F " + flag for flag in flags]))
        if arg["type"] in ("oneof", "block"):
            nested = []
            arguments(arg["arguments"], nested)
            pairs.append(("arguments", nested))
        write_map(pairs, out)


def write_map(pairs, out):
    out.append("M %d" % len(pairs))
    for name, value in pairs:
        out.append(text(name))
        out.extend(value)


def docs(desc):
    pairs = []
    for field in ("summary", "since"):
        if present(desc, field):
            pairs.append((field, [text(desc[field])]))
    pairs.append(("group", [text(desc["group"].replace("_", "-"))]))  # Redis names sorted_set "sorted-set"
    if present(desc, "complexity"):
        pairs.append(("complexity", [text(desc["complexity"])]))
    flags = [flag for flag in DOC_FLAGS if flag.upper() in desc.get("doc_flags", [])]
    if flags:
        pairs.append(("doc_flags", ["S %d" % len(flags)] + ["F " + flag for flag in flags]))
    for field in ("deprecated_since", "replaced_by"):
        if present(desc, field):
            pairs.append((field, [text(desc[field])]))
    if desc.get("history"):
        history = ["S %d" % len(desc["history"])]
        for since, changes in desc["history"]:
            history += ["A 2", text(since), text(changes)]
        pairs.append(("history", history))
    if desc.get("arguments"):
        nested = []
        arguments(desc["arguments"], nested)
        pairs.append(("arguments", nested))
    out = []
    write_map(pairs, out)
    return out


def main():
    commands = {}
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "src", "commands", "*.json"))):
        with open(path) as f:
            for name, desc in json.load(f).items():
                container = desc.get("container")
                full = (container.lower() + "|" if container else "") + name.lower()
                commands[full] = desc
    print("# COMMAND DOCS of Redis's commands, written by blink-server/scripts/command-docs.py from Redis 7.0.15's"
          " src/commands/*.json. Do not edit.")
    # The descriptions are Redis's, under its BSD 3-clause licence, whose notice goes with them.
    with open(os.path.join(sys.argv[1], "COPYING")) as f:
        for line in f.read().splitlines():
            print("# " + line if line else "#")
    for full in sorted(commands):
        print("@" + full)
        print("\n".join(docs(commands[full])))


if __name__ == "__main__":
    main()
