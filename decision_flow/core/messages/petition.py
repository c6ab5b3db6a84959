"""Messages of the petition procedure (信访) and the rule kinds it added (limits)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "rule.max_items": (
        "{field} has {found} item(s); at most {max} are allowed",
        "{field} 有 {found} 项，至多 {max} 项",
    ),
    "rule.extension_max": (
        "{field} is {days} days; an extension is at most {max} days",
        "{field} 为 {days} 日；延长不得超过 {max} 日",
    ),
    "rule.extension_needs": (
        "an extension ({field}) counts only with {fields} recorded",
        "延长期限（{field}）须记录 {fields}",
    ),
    "rule.late_extended": (
        "{field} is {days} days after {since}; due within {max}, the extension of {extension} included"
        " (recorded as late)",
        "{field} 距 {since} 已 {days} 日，应在 {max} 日内（含延长的 {extension} 日）（记为逾期）",
    ),
    "wf.pt.step_missing": (
        "the step {name} of stage {stage_name} is missing [{article}]",
        "缺少 {stage_name} 阶段的步骤 {name}【{article}】",
    ),
    "wf.pt.order": ("the petition stages must come in the order {order}", "信访流程的阶段须依次为 {order}"),
    "wf.pt.required": (
        "{name} must be a required field or evidence of {step} [{article}]",
        "{name} 须为 {step} 的必填项或必附材料【{article}】",
    ),
    "wf.pt.rule": (
        "{step} must keep its rule {rule} [{article}]",
        "{step} 须保留规则 {rule}【{article}】",
    ),
    "wf.pt.routes": (
        "{step}: the outcome {field} must route {routes} [{article}]",
        "{step}：结果 {field} 须按 {routes} 处理【{article}】",
    ),
}
