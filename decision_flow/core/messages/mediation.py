"""Messages of people's mediation (人民调解): its locality setting and the invariants no
locality's workflow file may break (人民调解法 Arts. 17-33; CPL Art. 205)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "setting.conclusion_period": (
        "how long a mediation normally takes is the locality's to say (the Ministry of Justice's rules say"
        ' "normally within one month", not taken as binding): set it in the file,'
        ' e.g. conclusion_period = {{ days = 30, unit = "calendar" }}; a later conclusion is marked late, not refused',
        "调解一般在多长时间内结束由本地规定（司法部《人民调解工作若干规定》称“一般在一个月内”，不作为强制期限）："
        '请在流程文件中设置，例如 conclusion_period = {{ days = 30, unit = "calendar" }}；超期的标记为逾期，不予拒绝',
    ),
    "wf.med.step_missing": ("the {name} step is missing ({article})", "缺少 {name} 步骤（{article}）"),
    "wf.med.required_field": ("{name} must be a required field ({article})", "{name} 须为必填字段（{article}）"),
    "wf.med.required_evidence": ("{name} must be required evidence ({article})", "{name} 须为必附材料（{article}）"),
    "wf.med.order": (
        "the stages must come in the order {order} (Mediation Law Arts. 17–33)",
        "各阶段须依次为 {order}（《人民调解法》第17–33条）",
    ),
    "wf.med.refusal": (
        "a party's express refusal (party_refused = true) must block going on to mediation (Mediation Law Arts. 17–18)",
        "当事人明确拒绝调解的（party_refused = true），须阻止进入调解（《人民调解法》第17–18条）",
    ),
    "wf.med.mediators": (
        "at least one mediator must be assigned (min_items on mediators, Mediation Law Art. 19)",
        "须至少指定一名人民调解员（mediators 的 min_items，《人民调解法》第19条）",
    ),
    "wf.med.consent": (
        "relatives, neighbours or experts take part only with the parties' consent: parties_consented = false"
        " must block the stage (Mediation Law Art. 20)",
        "邀请亲属、邻里或专家参与调解须经当事人同意："
        "parties_consented = false 须阻止离开本阶段（《人民调解法》第20条）",
    ),
    "wf.med.failure": (
        "a failed mediation must end the case (result: agreement advances, failed closes), with the other routes"
        " told recorded and no going on to an agreement (Mediation Law Art. 26)",
        "调解不成的须终止调解（result：agreement 进入下一阶段，failed 终结案件），记录已告知的其他途径，"
        "且不得进入调解协议阶段（《人民调解法》第26条）",
    ),
    "wf.med.effective": (
        "an agreement takes effect only once {name} is true: the rule field_equals {name} = true is owed"
        " (Mediation Law Arts. 28–30)",
        "调解协议须 {name} 为是方可生效：须有规则 field_equals {name} = true（《人民调解法》第28–30条）",
    ),
    "wf.med.joint": (
        "judicial confirmation is applied for jointly by the parties: field_equals joint_application = true"
        " is owed (Mediation Law Art. 33)",
        "司法确认须由双方当事人共同申请：须有规则 field_equals joint_application = true（《人民调解法》第33条）",
    ),
    "wf.med.confirmation": (
        "judicial confirmation is applied for within {days} calendar days of the agreement taking effect:"
        " a deadline rule from agreement.effective_on to applied_on of at most {days} calendar days,"
        " refuse = true, is owed"
        " (Mediation Law Art. 33; CPL Art. 205)",
        "司法确认须自调解协议生效之日起 {days} 日内申请：须有自 agreement.effective_on 至 applied_on"
        "不超过 {days} 个自然日且 refuse = true 的 deadline 规则（《人民调解法》第33条；《民事诉讼法》第205条）",
    ),
}
