"""YAML mistakes explained in Chinese: what to change, at which line and column.

PyYAML's own messages ("could not find expected ':'") mean nothing to a clerk and
often point a line below the mistake. The common mistakes (a Chinese colon, a
missing space after the colon, Tab or full-width-space indentation) are looked
for near where parsing failed; everything else is translated, and an error
nothing here recognises still gets a Chinese message with its location.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

Located = tuple[int, int, str]  # 0-based line and column in the YAML text, message
PREFIX = "YAML 语法错误："

LOOK_BACK = 5  # lines above the failure searched for the mistake that caused it
_KEY = r"[^\s:：#'\"\[\]{},&*!|>%@`][^:：#'\"]{0,30}?"  # a field name as a clerk types it
_FULLWIDTH_COLON = re.compile(rf"^[ \t\u3000]*(?:-[ \t]+)?{_KEY}[ \t\u3000]*(：)")
_NO_SPACE = re.compile(r"^[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_]*):(?=[^\s/:])(.*)$")
_INDENT = re.compile(r"^[ \u3000\t]*")
_QUOTE_HINT = "含有 : # @ ` 等符号的值请用引号括起来"
_COLON_FIX = "用了中文冒号“：”，请改为英文冒号“:”（冒号后加一个空格）"
_SPACE_FIX = "有全角空格（中文输入法下的空格），请改为半角空格"
_GENERIC = "请检查：冒号是英文“:”且后面有一个空格；同一层的字段左对齐，只用空格缩进；" + _QUOTE_HINT + "。"


def explain(error: yaml.YAMLError, text: str, offset: int = 0) -> Located:
    """The mistake behind a PyYAML error, located where the clerk has to change something.

    text begins on line offset + 1 of the file (Markdown front matter); messages count file lines.
    """
    lines = text.split("\n")
    problem = getattr(error, "problem_mark", None)
    context = getattr(error, "context_mark", None)
    anchor = problem or context
    if anchor is None:
        return 0, 0, f"{PREFIX}无法解析这个文件。{_GENERIC}"
    lowest = context.line if context is not None and context.line <= anchor.line else anchor.line - LOOK_BACK
    for number in range(min(anchor.line, len(lines) - 1), max(lowest, 0) - 1, -1):
        found = mistake_on(lines[number], number, offset)
        if found:
            return found
    return _translate(error, _Failure(problem or anchor, context, lines, offset))


def mistake_on(line: str, number: int, offset: int = 0) -> Located | None:
    """A common mistake on one line: indentation with Tab or a full-width space, a Chinese colon, no space."""
    shown = number + 1 + offset
    found = _INDENT.match(line)
    indent = found.group(0) if found else ""
    if "\t" in indent:
        return number, indent.index("\t"), f"{PREFIX}第 {shown} 行用 Tab 键缩进，请改用空格（同一层的字段左对齐）"
    if "\u3000" in indent:
        return number, indent.index("\u3000"), f"{PREFIX}第 {shown} 行开头{_SPACE_FIX}"
    colon = _FULLWIDTH_COLON.match(line)
    if colon:
        return number, colon.start(1), f"{PREFIX}第 {shown} 行{_COLON_FIX}"
    bare = _NO_SPACE.match(line)
    if bare:
        return (number, bare.end(1), f"{PREFIX}第 {shown} 行冒号后缺少空格："
                                     f"应写成“{bare.group(1)}: {bare.group(2).strip()}”")
    return None


def key_mistake(key: str) -> str | None:
    """A field name that only parsed because of a full-width character (`province：示例省`, `　city`)."""
    if "：" in key:
        return f"字段名“{key}”{_COLON_FIX}"
    if "\u3000" in key:
        return f"字段名“{key}”{_SPACE_FIX}"
    return None


def plain_document(text: str, offset: int = 0) -> Located | None:
    """Why a file that should hold fields parsed as one piece of text (`name：青石镇`, `name:甲`)."""
    for number, line in enumerate(text.split("\n")):
        found = mistake_on(line, number, offset)
        if found:
            return found
    return None


@dataclass(frozen=True)
class _Failure:
    """Where PyYAML failed; messages may name a file line as {line}."""

    problem: yaml.Mark
    context: yaml.Mark | None
    lines: list[str]
    offset: int

    def at(self, message: str, use_context: bool = False) -> Located:
        where = (self.context or self.problem) if use_context else self.problem
        return where.line, where.column, message.replace("{line}", str(where.line + 1 + self.offset))


Explain = Callable[[re.Match[str], _Failure], Located]


def _fixed(message: str, use_context: bool = False) -> Explain:
    return lambda match, failure: failure.at(message, use_context)


def _after_quote(match: re.Match[str], failure: _Failure) -> Located:
    mark = failure.problem
    line = failure.lines[mark.line] if mark.line < len(failure.lines) else ""
    if mark.column > 0 and line[mark.column - 1:mark.column] in ("'", '"'):
        return failure.at("引号结束后还有文字：整个值应放在一对引号内；值里本身有单引号时，"
                          "在单引号内把它写成两个（''），或外层改用双引号")
    return failure.at(_INDENTATION)


def _bracket(match: re.Match[str], failure: _Failure) -> Located:
    close = match.group(1)
    opening = {"]": "[", "}": "{"}[close]
    return failure.at(f"第 {{line}} 行的“{opening}”没有配对的“{close}”，或其中的项之间缺少英文逗号“,”", use_context=True)


def _start_char(match: re.Match[str], failure: _Failure) -> Located:
    char = match.group(1).encode().decode("unicode_escape") if "\\" in match.group(1) else match.group(1)
    if char == "\t":
        return failure.at("这里用了 Tab 键：请改用空格")
    return failure.at(f"值不能以“{char}”开头：请把整个值用引号括起来（如 \"{char}…\"）")


_INDENTATION = "这一行的缩进与上一层不一致：同一层的字段应左对齐（用相同数量的空格）"
_ANCHORS = "值不能以“&”或“*”开头（YAML 锚点和别名，本系统不支持）：若是文字，请用引号括起来"
_RULES: list[tuple[str, str | None, Explain]] = [
    (r"could not find expected ':'", None,
     _fixed("这一行缺少冒号：每个字段应写成“字段: 值”（英文冒号，后面加一个空格）", use_context=True)),
    (r"mapping values are not allowed here", None,
     _fixed("这里不能再出现“: ”：值里含有冒号加空格时，请把整个值用引号括起来；若是新字段，请检查缩进，与同一层的字段左对齐")),
    (r"found character '(.+)' that cannot start any token", None, _start_char),
    (r"found a tab character", None, _fixed("这里用了 Tab 键：请改用空格缩进")),
    (r"found unexpected end of stream", r"quoted scalar",
     _fixed("第 {line} 行开始的引号没有结束：请补上配对的引号", use_context=True)),
    (r"expected <block end>, but found '(?:-|<block sequence start>)'", None,
     _fixed("列表项“- ”的位置不对：列表项应写在某个字段的下一行，缩进后与同一列表的其他“- ”对齐")),
    (r"expected <block end>, but found '<scalar>'", None, _after_quote),
    (r"expected <block end>, but found", None, _fixed(_INDENTATION)),
    (r"expected ',' or '([\]}])'", None, _bracket),
    (r"did not find expected '-' indicator", None, _fixed("列表项“- ”没有对齐：同一列表的“- ”应在同一列")),
    (r"did not find expected key", None, _fixed("这一行的缩进或引号有误：同一层的字段应左对齐，引号要成对")),
    (r"found unknown escape character", None,
     _fixed("双引号里的反斜杠“\\”后面不能跟这个字符：请改用单引号，或把“\\”写成“\\\\”")),
    (r"could not determine a constructor|found undefined tag handle|expected '!'", None,
     _fixed("不支持以“!”开头的 YAML 标签：请删去，或把整个值用引号括起来")),
    (r"undefined alias|duplicate anchor|alphabetic or numeric character", None, _fixed(_ANCHORS)),
    (r"found (?:unhashable|unacceptable) key", None, _fixed("字段名只能是文字，不能是列表或映射")),
    (r"but found another document", None, _fixed("一个文件只能写一条记录：请删去这里的“---”和它后面的另一条记录")),
    (r"expected '<document start>'", None, _fixed("“...”或“---”之后不能再写内容：请删去这一行之前的“...”或“---”")),
    (r"expected a comment or a line break", r"block scalar",
     _fixed("“|”或“>”后面不能再写文字：正文从下一行开始，并比字段名多缩进两个空格", use_context=True)),
    (r"expected a comment or a line break", None, _fixed("这里多了文字：" + _QUOTE_HINT)),
    (r"expected chomping or indentation indicators", None, _fixed("“|”或“>”后面只能写“-”“+”或数字：正文从下一行开始")),
    (r"expected the node content", None, _fixed("这里缺少值，或多了一个符号：" + _QUOTE_HINT)),
    (r"found unexpected ':'", None, _fixed("这里的冒号“:”多余：" + _QUOTE_HINT)),
    (r"directive", None, _fixed("以“%”开头的值请用引号括起来")),
]


def _translate(error: yaml.YAMLError, failure: _Failure) -> Located:
    problem_text = getattr(error, "problem", None) or ""
    context_text = getattr(error, "context", None) or ""
    for pattern, context_pattern, explain_match in _RULES:
        match = re.search(pattern, problem_text) or re.search(pattern, context_text)
        if match and (context_pattern is None or re.search(context_pattern, context_text)):
            line, column, message = explain_match(match, failure)
            return line, column, PREFIX + message
    return failure.problem.line, failure.problem.column, f"{PREFIX}无法识别这里的写法。{_GENERIC}"
