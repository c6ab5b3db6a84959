"""The generic label catalogue (通用标签): the words every procedure shares, each as (English,
Chinese) like the message catalogue. The audit trail and ``--json`` keep the machine names on
the left; people read the labels (:mod:`decision_flow.presentation.labels`).

Labels of one procedure (its stages, steps, fields, evidence kinds, flags and the values of its
enum fields) are not here: they come from its workflow file (``title = {zh, en}`` and the
``[choices]`` table).
"""

from __future__ import annotations

Pairs = dict[str, tuple[str, str]]

# What happened, by the `action` of an audit event.
ACTIONS: Pairs = {
    "created": ("created", "创建"),
    "recorded": ("recorded", "记录"),
    "completed": ("completed", "完成"),
    "waived": ("waived", "免除"),
    "withdrawn": ("withdrawn", "撤回材料"),
    "advanced": ("advanced", "推进"),
    "returned": ("returned", "退回"),
    "rejected": ("rejected", "否决"),
    "closed": ("closed", "终结"),
    "stays": ("stays", "暂缓"),
    "flag_changed": ("flag changed", "变更标记"),
    "refused": ("refused", "拒绝"),
    "user_added": ("user added", "添加用户"),
    "user_roles_changed": ("roles changed", "变更角色"),
    "user_deactivated": ("user deactivated", "停用用户"),
    "key_registered": ("key registered", "登记密钥"),
    "key_rotated": ("key rotated", "轮换密钥"),
    "key_revoked": ("key revoked", "吊销密钥"),
    "workflow_installed": ("workflow installed", "安装流程定义"),
    "migrated": ("moved to another workflow version", "迁移流程版本"),
    "calendar_imported": ("calendar year imported", "导入法定节假日安排"),
    "organ_added": ("organ added", "添加机关"),
    "membership_changed": ("roles in another organ changed", "变更在其他机关的角色"),
    "implementation_reported": ("implementation reported", "报告执行情况"),
    "tracking_feedback": ("tracking feedback", "跟踪反馈"),
    "suspended": ("implementation suspended", "中止执行"),
    "resumed": ("implementation resumed", "恢复执行"),
    "evaluation_started": ("evaluation begun", "启动决策后评估"),
    "evaluation_reported": ("evaluation reported", "报送后评估报告"),
    "adjustment_opened": ("adjustment opened", "启动决策调整"),
    "superseded": ("superseded", "被调整"),
    "stopped": ("stopped", "停止执行"),
    "catalogue_item_added": ("catalogue item added", "增加目录事项"),
    "catalogue_item_removed": ("catalogue item removed", "移除目录事项"),
    "catalogue_consented": ("Party committee's consent recorded", "记录同级党委同意"),
    "catalogue_published": ("catalogue published", "公布决策事项目录"),
    "activity_added": ("activity recorded", "登记法治工作活动"),
    "activity_withdrawn": ("activity withdrawn", "撤回法治工作活动"),
    "page_opened": ("consultation page opened", "开放征求意见页面"),
    "opinion_received": ("opinion received", "收到公众意见"),
    "opinion_marked": ("opinion marked", "标记意见处理结果"),
    "file_published": ("file shown on the consultation page", "在征求意见页面公开材料"),
    "password_set": ("password set", "设置登录密码"),
}

# A decided case's life after archiving (Decree 713 Arts. 34-37), and what it may be evaluated on.
LIFE: Pairs = {
    "in_force": ("in force", "执行中"),
    "suspended": ("suspended", "中止执行"),
    "stopped": ("stopped", "已停止执行"),
    "superseded": ("superseded", "已被调整"),
    "missed_goals": ("clearly missed its goals", "明显未达到预期效果"),
    "many_objections": (
        "many objections from citizens, legal persons or organisations",
        "公民、法人或者其他组织提出较多意见",
    ),
    "found_necessary": ("the organ finds it necessary", "决策机关认为有必要"),
    "continue": ("continue", "继续执行"),
    "adjust": ("adjust", "调整"),
    "stop": ("stop", "停止执行"),
    "change": ("change", "变更"),
}

# The status of a decision (active, rejected, archived) and of a step (pending, completed, waived).
STATUSES: Pairs = {
    "active": ("active", "办理中"),
    "rejected": ("rejected", "已否决"),
    "closed": ("closed", "已终结"),
    "archived": ("archived", "已归档"),
    "pending": ("pending", "待办"),
    "completed": ("completed", "已完成"),
    "waived": ("waived", "已免除"),
}

ROLES: Pairs = {
    "officer": ("officer", "承办人员"),
    "legal_reviewer": ("legal reviewer", "合法性审查人员"),
    "executive": ("executive", "行政首长"),
    "auditor": ("auditor", "审计人员"),
    "admin": ("admin", "系统管理员"),
}

# What a refused attempt tried, by the `attempted` of a `refused` event (the command behind it).
ATTEMPTS: Pairs = {
    "new": ("create a decision", "创建决策"),
    "record": ("record", "记录"),
    "complete": ("complete a step", "完成步骤"),
    "waive": ("waive a step", "免除步骤"),
    "withdraw": ("withdraw an attachment", "撤回材料"),
    "advance": ("advance", "推进阶段"),
    "return": ("return", "退回"),
    "flag": ("change a flag", "变更标记"),
    "user_add": ("add a user", "添加用户"),
    "user_role": ("change a user's roles", "变更用户角色"),
    "user_deactivate": ("deactivate a user", "停用用户"),
    "key_rotate": ("rotate a key", "轮换密钥"),
    "key_issue": ("issue a key", "签发密钥"),
    "key_revoke": ("revoke a key", "吊销密钥"),
    "workflow_install": ("install a workflow", "安装流程定义"),
    "migrate": ("move a case to another workflow version", "迁移流程版本"),
    "calendar_import": ("import a calendar year", "导入法定节假日安排"),
    "organ_add": ("add an organ", "添加机关"),
    "user_grant": ("give a user roles in another organ", "授予用户在其他机关的角色"),
    "implement": ("report implementation", "报告执行情况"),
    "feedback": ("record tracking feedback", "记录跟踪反馈"),
    "suspend": ("suspend implementation", "中止执行"),
    "resume": ("resume implementation", "恢复执行"),
    "evaluate": ("evaluate the decision", "决策后评估"),
    "catalogue_add": ("add a catalogue item", "增加目录事项"),
    "catalogue_remove": ("remove a catalogue item", "移除目录事项"),
    "catalogue_consent": ("record the Party committee's consent", "记录同级党委同意"),
    "catalogue_publish": ("publish the catalogue", "公布决策事项目录"),
    "activity_add": ("record an activity", "登记法治工作活动"),
    "page_open": ("open the consultation page", "开放征求意见页面"),
    "opinion_submit": ("give an opinion", "提交公众意见"),
    "opinion_mark": ("mark an opinion", "标记意见处理结果"),
    "file_publish": ("show a file on the consultation page", "在征求意见页面公开材料"),
    "password_set": ("set a password", "设置登录密码"),
    "activity_withdraw": ("withdraw an activity", "撤回法治工作活动"),
}

# How a public opinion was handled (意见采纳情况, Decree 713 Art. 29).
OPINION_MARKS: Pairs = {
    "adopted": ("adopted", "采纳"),
    "partly": ("partly adopted", "部分采纳"),
    "not_adopted": ("not adopted", "不予采纳"),
}

# The kinds of rule-of-law work no procedure records, which the annual report counts
# (engine/activities.py takes its kinds from here).
ACTIVITY_KINDS: Pairs = {
    "study_session": ("study session", "集中学法"),
    "publicity_event": ("publicity event", "普法宣传活动"),
    "legal_consultation": ("legal consultation", "法律咨询"),
    "adviser_appointment": ("legal adviser appointed", "法律顾问聘任"),
}

# A member's stance at a deciding meeting (`name:stance`).
STANCES: Pairs = {
    "agree": ("agree", "同意"),
    "disagree": ("disagree", "不同意"),
    "abstain": ("abstain", "弃权"),
}

# The marks a completed step may carry (a non-blocking finding, by its rule).
MARKS: Pairs = {
    "late": ("late", "逾期"),
    "overdue": ("overdue", "超期"),
}

FIELD_TYPES: Pairs = {
    "text": ("text", "文本"),
    "integer": ("integer", "整数"),
    "bool": ("yes/no", "是/否"),
    "date": ("date", "日期"),
    "enum": ("choice", "选项"),
    "list": ("list", "列表"),
}

# When a step may be waived, by its waiver policy ({flag}: the flag, or the setting, it names).
WAIVERS: Pairs = {
    "never": ("never", "不得免除"),
    "only_when_flag": ("only when {flag}", "仅当{flag}时可免除"),
    "unless_flag": ("unless {flag}", "{flag}时不得免除"),
    "unless_setting": ("unless the locality setting {flag} is true", "地方设置 {flag} 为“是”时不得免除"),
}

LEVELS: Pairs = {
    "county": ("county", "县级以上"),
    "township": ("township", "乡镇"),
}

# The level of an organ (决策机关): its workflows are those of LEVELS (a department's the county's).
ORGAN_LEVELS: Pairs = {**LEVELS, "department": ("department", "县级部门")}

# The moves of the state machine, as a diagram labels its arrows.
TRIGGERS: Pairs = {
    "advance": ("advance", "推进"),
    "return": ("return", "退回"),
    "reject": ("reject", "否决"),
    "close": ("close", "终结"),
}

# The words the outputs use: column heads, labels of the exports, yes and no.
WORDS: Pairs = {
    "life_report": ("report", "执行情况"),
    "life_problems": ("problems", "存在问题"),
    "life_feedback": ("feedback", "反馈"),
    "life_source": ("from", "来源"),
    "life_ground": ("ground", "启动情形"),
    "life_evaluator": ("evaluator", "评估单位"),
    "life_due_on": ("due", "应完成日期"),
    "life_conclusion": ("conclusion", "评估结论"),
    "life_public_opinions": ("public opinions", "公众意见"),
    "life_expert_opinions": ("expert opinions", "专家意见"),
    "life_adjustment": ("adjustment", "调整方式"),
    "life_case": ("case", "调整案件"),
    "life_by": ("by case", "调整案件"),
    "life_title": ("title", "标题"),
    "life_implementation_report": ("implementation report", "执行情况报告"),
    "life_problem_report": ("problem report", "问题报告"),
    "life_evaluation_report": ("evaluation report", "后评估报告"),
    "life_opinions": ("opinions", "意见材料"),
    "life": ("life", "执行状态"),
    "superseded_by": ("changed or stopped by", "调整案件"),
    "supersedes": ("changes or stops", "所调整的决策"),
    "id": ("ID", "编号"),
    "title": ("Title", "标题"),
    "stage": ("Stage", "阶段"),
    "status": ("Status", "状态"),
    "step": ("Step", "步骤"),
    "recorded": ("Recorded", "已记录"),
    "missing": ("Still missing", "尚缺"),
    "workflow": ("Workflow", "流程"),
    "flags": ("Flags", "标记"),
    "seq": ("#", "序号"),
    "accepts": ("one of: ", "可选："),
    "format_date": ("a date: YYYY-MM-DD", "日期：YYYY-MM-DD"),
    "format_list": ("items separated by , 、 ; or new lines", "多项用 ，、； 或换行分隔"),
    "format_bool": ("true/false (是/否)", "是/否（true/false）"),
    "at": ("Time", "时间"),
    "actor": ("Actor", "操作人"),
    "action": ("Action", "动作"),
    "detail": ("Detail", "内容"),
    "where": ("Where", "环节"),
    "name": ("Name", "名称"),
    "roles": ("Roles", "角色"),
    "active": ("Active", "有效"),
    "key": ("Signing key", "签名密钥"),
    "version": ("Version", "版本"),
    "workflow_version": ("workflow version", "流程版本"),
    "version_of": ("version {version}", "第{version}版"),
    "level": ("Level", "层级"),
    "code": ("Code", "代码"),
    "parent": ("Above", "上级机关"),
    "organ": ("Organ", "机关"),
    "fields": ("Fields", "字段"),
    "evidence": ("Evidence", "材料"),
    "waiver": ("Waiver", "免除"),
    "marks": ("Marks", "标注"),
    "reason": ("Reason", "理由"),
    "reference": ("Reference", "文号"),
    "outcome": ("Outcome", "结果"),
    "reopened": ("Reopened", "重新办理"),
    "attempted": ("Attempted", "试图"),
    "flag_set": ("set flag", "设置标记"),
    "flag_cleared": ("cleared flag", "取消标记"),
    "hash": ("Hash", "哈希"),
    "prev_hash": ("Previous", "前序"),
    "event_hash": ("Event hash", "事件哈希"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "none": ("none", "无"),
    "decision_id": ("{Case}", "{case}编号"),
    "decision_title": ("Matter", "{case}事项"),
    "decision_workflow": ("Procedure", "{case}流程"),
    "decision_stage": ("Current stage", "当前阶段"),
    "decision_status": ("Status", "{case}状态"),
    "events_of_decision": ("Events of this {case}", "本{case}事件数"),
    "last_event_hash": ("Hash of its last event", "本决策最后事件哈希"),
    "chain_head": ("Chain head", "审计链头"),
    "chain_head_value": (
        "chain {chain}: {size} events, head hash {hash}",
        "{chain} 链，共 {size} 条事件，链头哈希 {hash}",
    ),
    "exported_at": ("Exported", "导出时间"),
    "exported_value": ("{utc} UTC (local time {local})", "{utc} UTC（本地时间 {local}）"),
    "workflow_value": ("{title} ({name} version {version})", "{title}（{name} 第{version}版）"),
    # the decision-item catalogue (决策事项目录)
    "item": ("Item", "事项编号"),
    "matter": ("Decision item", "决策事项"),
    "unit": ("Undertaking unit", "承办单位"),
    "planned": ("Planned by", "计划完成时间"),
    "basis": ("Basis", "决策依据"),
    "case": ("Decision", "决策"),
    "note": ("Note", "备注"),
    "consent_body": ("Consent of", "同意的党委"),
    "consent_on": ("Consent date", "党委同意日期"),
    "published_on": ("Published", "公布日期"),
    # the register of activities (法治工作活动)
    "activity": ("Activity", "活动编号"),
    "activity_kind": ("Kind", "类别"),
    "held_on": ("Held on", "日期"),
    "activity_title": ("Title", "名称"),
    "participants": ("People", "人数/人次"),
    "materials": ("Materials handed out", "发放资料（份）"),
    "village": ("Village", "村（社区）"),
    "activities": ("Activities", "活动次数"),
    "ids": ("Ids", "活动编号"),
}
