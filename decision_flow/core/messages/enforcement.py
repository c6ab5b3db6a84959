"""Messages of the administrative penalty procedure (行政处罚, with 法制审核): the invariants no
locality's workflow file may break, and the rule-kind options it added (a value-conditioned
evidence rule, a condition on field_equals)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "rule.evidence_when_value": (
        "{field} is {value}: evidence {evidence} must be attached",
        "{field} 为 {value}：须附 {evidence} 材料",
    ),
    "rule.field_equals_when": (
        "{when} is true: {field} must be {value}",
        "{when} 为是：{field} 必须为 {value}",
    ),
    "wf.enf.step_missing": (
        "the step {name} of its own stage is missing [{article}]",
        "缺少 {name} 阶段及其同名步骤【{article}】",
    ),
    "wf.enf.order": (
        "the penalty procedure's stages must come in the order {order} (Penalty Law Arts. 54–65)",
        "行政处罚程序的阶段须依次为 {order}（《行政处罚法》第54–65条）",
    ),
    "wf.enf.required": (
        "{name} must be a required field or evidence of {step} [{article}]",
        "{name} 须为 {step} 的必填项或必附材料【{article}】",
    ),
    "wf.enf.rule": ("{step} must keep its rule {rule} [{article}]", "{step} 须保留规则 {rule}【{article}】"),
    "wf.enf.flagged": (
        "{name} may be waived only without the flag {flag} (unless_flag {flag}) or never [{article}]",
        "{name} 仅在无 {flag} 标记时可免除（unless_flag {flag}），或不得免除【{article}】",
    ),
}
