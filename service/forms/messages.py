"""Message catalogs: clerk-friendly Chinese first, English available."""
from __future__ import annotations

from typing import Any

CATALOG: dict[str, dict[str, str]] = {
    "zh-CN": {
        "required": "此项为必填项",
        "type": "应为{expected}",
        "type.string": "文本", "type.number": "数字", "type.integer": "整数",
        "type.boolean": "是或否", "type.array": "列表", "type.object": "一组内容", "type.null": "空值",
        "minLength": "不能少于 {limit} 个字",
        "maxLength": "不能多于 {limit} 个字",
        "minimum": "不能小于 {limit}",
        "maximum": "不能大于 {limit}",
        "exclusiveMinimum": "应大于 {limit}",
        "exclusiveMaximum": "应小于 {limit}",
        "multipleOf": "应为 {limit} 的整数倍",
        "minItems": "不能少于 {limit} 项",
        "maxItems": "不能多于 {limit} 项",
        "uniqueItems": "不能有重复项",
        "minProperties": "至少填写 {limit} 项",
        "maxProperties": "最多填写 {limit} 项",
        "enum": "请从选项中选择",
        "const": "此项的值应为 {limit}",
        "const.true": "请勾选此项",
        "pattern": "格式不正确",
        "format.date": "日期格式应为 年-月-日（如 2022-06-01）",
        "format.time": "时间格式应为 时:分:秒",
        "format.date-time": "日期时间格式应为 年-月-日 时:分",
        "format.email": "请输入有效的电子邮箱",
        "format.uri": "请输入有效的网址（如 https://…）",
        "format": "格式不正确",
        "additionalProperties": "包含未定义的项：{extra}",
        "oneOf.many": "只能符合其中一种情形",
        "oneOf": "请选择一种情形并按要求填写",
        "anyOf": "请选择一种情形并按要求填写",
        "not": "填写的内容不符合要求",
        "dependentRequired": "此项为必填项",
        "contains": "至少应包含一项符合要求的内容",
        "generic": "填写的内容不符合要求",
        "x-required-if": "此项为必填项",
        # UI strings
        "ui.select": "请选择",
        "ui.yes": "是", "ui.no": "否", "ui.unset": "未填写",
        "ui.add": "添加一项", "ui.remove": "删除", "ui.up": "上移", "ui.down": "下移",
        "ui.clear": "移除文件",
        "ui.required": "必填",
        "ui.errors_title": "提交的内容有 {count} 处需要修改：",
        "ui.fallback": "此项的定义暂不支持在线填写，以下为原始数据（只读）。",
        "ui.choice": "请选择类型",
        "ui.item": "第 {n} 项",
        "ui.files_stored": "已上传的文件",
        "ui.max_bytes": "单个文件不超过 {size}",
        "ui.accept": "可上传 {types}",
        "ui.separator": "，",
        "ui.label_sep": "：",
        "ui.list_separator": "、",
        "ui.none": "（无）",
        "upload.too_big": "文件过大（{size}），上限为 {limit}",
        "upload.type": "不支持此文件类型：{name}",
        "upload.empty": "文件为空",
        "bad_value": "已保存的值“{value}”不符合此项要求",
    },
    "en": {
        "required": "This field is required",
        "type": "Should be {expected}",
        "type.string": "text", "type.number": "a number", "type.integer": "a whole number",
        "type.boolean": "yes or no", "type.array": "a list", "type.object": "a group of fields",
        "type.null": "empty",
        "minLength": "Must be at least {limit} characters",
        "maxLength": "Must be at most {limit} characters",
        "minimum": "Must not be less than {limit}",
        "maximum": "Must not be greater than {limit}",
        "exclusiveMinimum": "Must be greater than {limit}",
        "exclusiveMaximum": "Must be less than {limit}",
        "multipleOf": "Must be a multiple of {limit}",
        "minItems": "Must have at least {limit} items",
        "maxItems": "Must have at most {limit} items",
        "uniqueItems": "Items must not repeat",
        "minProperties": "Fill in at least {limit} fields",
        "maxProperties": "Fill in at most {limit} fields",
        "enum": "Please choose one of the options",
        "const": "Must be {limit}",
        "const.true": "Please tick this box",
        "pattern": "Invalid format",
        "format.date": "Date must be year-month-day (e.g. 2022-06-01)",
        "format.time": "Time must be hours:minutes:seconds",
        "format.date-time": "Date and time must be year-month-day hours:minutes",
        "format.email": "Please enter a valid email address",
        "format.uri": "Please enter a valid web address (https://…)",
        "format": "Invalid format",
        "additionalProperties": "Unknown fields: {extra}",
        "oneOf.many": "Must match only one of the alternatives",
        "oneOf": "Choose one alternative and fill it in as required",
        "anyOf": "Choose one alternative and fill it in as required",
        "not": "The value is not allowed",
        "dependentRequired": "This field is required",
        "contains": "Must contain at least one matching item",
        "generic": "The value is not valid",
        "x-required-if": "This field is required",
        "ui.select": "Please choose",
        "ui.yes": "Yes", "ui.no": "No", "ui.unset": "Not set",
        "ui.add": "Add", "ui.remove": "Remove", "ui.up": "Move up", "ui.down": "Move down",
        "ui.clear": "Remove file",
        "ui.required": "required",
        "ui.errors_title": "There are {count} problems to fix:",
        "ui.errors_title_one": "There is 1 problem to fix:",
        "ui.label_sep": ": ",
        "ui.fallback": "This field cannot be edited online yet; its raw data is shown (read-only).",
        "ui.choice": "Choose a kind",
        "ui.item": "Item {n}",
        "ui.files_stored": "Uploaded files",
        "ui.max_bytes": "Each file at most {size}",
        "ui.accept": "Accepted: {types}",
        "ui.separator": ". ",
        "ui.list_separator": ", ",
        "ui.none": "(none)",
        "upload.too_big": "File too large ({size}); the limit is {limit}",
        "upload.type": "This file type is not accepted: {name}",
        "upload.empty": "The file is empty",
        "bad_value": "The saved value “{value}” does not fit this field",
    },
}


def norm_locale(locale: str | None) -> str:
    """Map a locale tag to a catalog key ('zh-CN' or 'en')."""
    if not locale:
        return "zh-CN"
    return "en" if locale.lower().startswith("en") else "zh-CN"


def msg(locale: str, key: str, **params: Any) -> str:
    """Look up a message and fill its {placeholders}."""
    catalog = CATALOG[norm_locale(locale)]
    text = catalog.get(key) or CATALOG["zh-CN"].get(key) or key
    return text.format(**params) if params else text


def human_size(n: int) -> str:
    """1536 -> '1.5 KB'."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}".replace(".0 ", " ")
        size /= 1024
    return f"{n} B"
