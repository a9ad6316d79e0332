#!/usr/bin/env python3
"""Regenerates the committed hostile-input corpus (issue 5):
Tests/AvatarSpoolTests/Fixtures/bad-tasks/*.json and expected.json, which maps
each file name to a substring its validation error must contain. The large
cases (50 MB, 10 MB string, 100 000-deep nesting) are not committed: the test
helper Tests/AvatarSpoolTests/Task/HostileCorpus.swift writes them at test time."""
import json, os, shutil

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "AvatarSpoolTests", "Fixtures", "bad-tasks")
cases = {}

def add(name, content, expect):
    if isinstance(content, str):
        content = content.encode("utf-8")
    assert name not in cases, name
    cases[name] = (content, expect)

def task(count=1, **extra):
    d = {"count": count}
    d.update(extra)
    return json.dumps(d)

# Not JSON / not an object
add("empty.json", b"", "empty")
add("whitespace-only.json", " \n\t\r\n ", "empty")
add("truncated-string.json", '{"count": 4, "persona": {"gender": "fe', "truncated")
add("truncated-object.json", '{"count": 4', "truncated")
add("truncated-after-colon.json", '{"count":', "truncated")
add("trailing-garbage.json", '{"count": 4} xyz', "trailing data")
add("two-objects.json", '{"count": 1}{"count": 2}', "trailing data")
add("top-array.json", '[{"count": 4}]', "got an array")
add("top-string.json", '"count"', "got the string")
add("top-number.json", '4', "got the number 4")
add("top-null.json", 'null', "got null")
add("top-true.json", 'true', "got true")
add("bom-then-array.json", b"\xef\xbb\xbf[]", "got an array")
add("bare-word.json", 'hello', "unexpected character 'h'")
add("single-quotes.json", "{'count': 1}", "double quotes")
add("unquoted-key.json", '{count: 1}', "unexpected character 'c'")
add("leading-zero.json", '{"count": 04}', "leading zeros")
add("plus-sign.json", '{"count": +1}', "unexpected character '+'")
add("nan.json", '{"count": NaN}', "NaN")
add("infinity.json", '{"count": Infinity}', "Infinity")
add("negative-infinity.json", '{"count": -Infinity}', "Infinity")
add("comment-line.json", '{\n  // five people\n  "count": 5\n}', "comments are not allowed")
add("comment-block.json", '{"count": 5 /* five */}', "comments are not allowed")
add("trailing-comma-object.json", '{"count": 5,}', "trailing comma")
add("trailing-comma-array.json", '{"count": 5, "persona": [1,]}', "trailing comma")
add("duplicate-key.json", '{"count": 1, "count": 1000}', "duplicate key")
add("duplicate-key-nested.json", '{"count": 1, "persona": {"gender": "male", "gender": "female"}}', "duplicate key")
add("deep-nesting-100.json", '{"count": 1, "persona": ' + '[' * 100 + ']' * 100 + '}', "nested deeper than 64")
add("raw-tab-in-string.json", '{"count": 1, "task_id": "a\tb"}', "control character")
add("lone-surrogate.json", '{"count": 1, "persona": {"description": "\\ud800 alone"}}', "surrogate")
add("bad-escape.json", '{"count": 1, "persona": {"description": "\\x41"}}', "invalid escape")

# Encodings
add("invalid-utf8.json", b'{"count": 1, "persona": {"description": "caf\xe9"}}', "UTF-8")
add("invalid-utf8-overlong.json", b'{"count": 1, "task_id": "\xc0\xaf"}', "UTF-8")
add("invalid-utf8-surrogate.json", b'{"count": 1, "task_id": "\xed\xa0\x80"}', "UTF-8")
add("utf16le-bom.json", '{"count": 1}'.encode("utf-16"), "UTF-8")
add("utf16be-bom.json", b"\xfe\xff" + '{"count": 1}'.encode("utf-16-be"), "UTF-8")
add("utf16le-no-bom.json", '{"count": 1}'.encode("utf-16-le"), "UTF-8")
add("utf32-bom.json", '{"count": 1}'.encode("utf-32"), "UTF-8")
add("raw-nul-byte.json", b'{"count": 1, "task_id": "a\x00b"}', "UTF-8")

# count
add("count-zero.json", task(0), "got the number 0")
add("count-negative.json", task(-1), "got the number -1")
add("count-fraction.json", '{"count": 10.5}', "got the number 10.5")
add("count-string.json", '{"count": "10"}', "without quotes")
add("count-exponent.json", '{"count": 1e9}', "got the number 1e9")
add("count-one-point-zero.json", '{"count": 1.0}', "integer literal")
add("count-too-large.json", task(1001), "1001 (out of range)")
add("count-huge.json", '{"count": 123456789012345678901234567890}', "out of range")
add("count-null.json", '{"count": null}', "count: expected an integer from 1 to 1000, got null")
add("count-bool.json", '{"count": true}', "count: expected an integer from 1 to 1000, got true")
add("count-array.json", '{"count": [4]}', "count: expected an integer from 1 to 1000, got an array")
add("count-missing.json", '{"persona": {"gender": "male"}}', "(required)")
add("empty-object.json", '{}', "(required)")

# unknown fields
add("unknown-top-typo.json", '{"cout": 4}', 'did you mean \\"count\\"?'.replace('\\', ''))
add("unknown-top.json", task(1, colour="red"), 'unknown field "colour"')
add("unknown-persona.json", task(1, persona={"age_mn": 20}), "persona.age_mn")
add("unknown-images.json", task(1, images={"format": "png"}), "images.format")
add("misplaced-field.json", task(1, age_min=20), "did you mean persona.age_min?")

# persona
add("persona-string.json", task(1, persona="nurses"), "persona: expected an object")
add("persona-array.json", task(1, persona=[]), "persona: expected an object")
add("persona-null.json", task(1, persona=None), "persona: expected an object, got null")
add("gender-other.json", task(1, persona={"gender": "other"}), "persona.gender")
add("gender-number.json", task(1, persona={"gender": 1}), "persona.gender")
add("gender-upper.json", task(1, persona={"gender": "Female"}), "lower case")
add("age-min-string.json", task(1, persona={"age_min": "20"}), "persona.age_min")
add("age-max-fraction.json", '{"count": 1, "persona": {"age_max": 40.5}}', "persona.age_max")
add("age-min-too-low.json", task(1, persona={"age_min": 17}), "persona.age_min")
add("age-max-too-high.json", task(1, persona={"age_max": 101}), "persona.age_max")
add("age-inverted.json", task(1, persona={"age_min": 50, "age_max": 30}), "age_min 50 > age_max 30")
add("age-min-over-default-max.json", task(1, persona={"age_min": 70}), "the default age_max")
add("country-unassigned.json", task(1, persona={"country": "XX"}), "persona.country")
add("country-alpha3.json", task(1, persona={"country": "DEU"}), "two-letter code")
add("country-name.json", task(1, persona={"country": "Germany"}), 'use the code "DE"')
add("country-number.json", task(1, persona={"country": 49}), "persona.country")
add("language-unknown.json", task(1, persona={"language": "xx"}), "persona.language")
add("language-word.json", task(1, persona={"language": "german"}), "persona.language")
add("description-number.json", task(1, persona={"description": 5}), "persona.description")
add("description-too-long.json", task(1, persona={"description": "x" * 2001}), "a string of 2001 characters")

# images
add("images-bool.json", task(1, images=True), "images: expected an object")
add("enabled-string.json", task(1, images={"enabled": "true"}), "images.enabled")
add("enabled-number.json", task(1, images={"enabled": 1}), "images.enabled")
add("size-too-small.json", task(1, images={"size": "100x100"}), "images.size")
add("size-absurd.json", task(1, images={"size": "1000000x1"}), "out of range")
add("size-abc.json", task(1, images={"size": "abc"}), "images.size")
add("size-number.json", task(1, images={"size": 1024}), "images.size")
add("size-upper-x.json", task(1, images={"size": "1024X1024"}), "lower-case x")
add("size-negative.json", task(1, images={"size": "-512x512"}), "images.size")
add("style-too-long.json", task(1, images={"style": "s" * 501}), "images.style")
add("style-number.json", task(1, images={"style": 3}), "images.style")
add("style-control.json", task(1, images={"style": "selfie\u0007"}), "images.style")

# version
add("version-2.json", task(1, version=2), "version 1")
add("version-string.json", task(1, version="1"), "version: expected the integer 1")

# task_id
add("task-id-parent.json", task(1, task_id="../x"), "task_id")
add("task-id-slash.json", task(1, task_id="a/b"), "'/' is not allowed")
add("task-id-hidden.json", task(1, task_id=".hidden"), "leading '.'")
add("task-id-dotdot.json", task(1, task_id=".."), "leading '.'")
add("task-id-empty.json", task(1, task_id=""), "empty id")
add("task-id-300-chars.json", task(1, task_id="a" * 300), "300 characters")
add("task-id-nul.json", task(1, task_id="a\u0000b"), "control characters")
add("task-id-newline.json", task(1, task_id="a\nb"), "control characters")
add("task-id-space.json", task(1, task_id="my task"), "task_id")
add("task-id-number.json", task(1, task_id=42), "task_id: expected a task id")
add("task-id-absolute.json", task(1, task_id="/etc/passwd"), "'/' is not allowed")

# several problems at once: all are reported
add("many-problems.json", '{"cout": 4, "persona": {"gender": "robot", "age_min": 10}, "images": {"size": "big"}}',
    "5 problems")

if os.path.isdir(OUT):
    shutil.rmtree(OUT)
os.makedirs(OUT)
for name, (content, _) in cases.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(content)
with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump({n: e for n, (_, e) in sorted(cases.items())}, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(len(cases), "files,", sum(len(c) for c, _ in cases.values()), "bytes")
