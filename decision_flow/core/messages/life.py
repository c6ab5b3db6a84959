"""Messages of a decided case's life after archiving (Decree 713 Arts. 34-37)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "life.none": (
        "decision {id} runs {workflow}, whose cases have no life after archiving to record",
        "决策 {id} 适用的流程 {workflow} 在归档后没有执行、评估或调整环节",
    ),
    "life.not_now": ("decision {id} is {state}: {act} is not possible now", "决策 {id} {state}：此时不能{act}"),
    "life.not_now.detail": ("{act} while the decision is {state}", "决策{state}时{act}"),
    "life.act.implementation": ("an implementation report", "报告执行情况"),
    "life.act.feedback": ("tracking feedback", "记录跟踪反馈"),
    "life.act.suspension": ("suspending or resuming it", "中止或恢复执行"),
    "life.act.evaluation": ("a post-decision evaluation", "开展决策后评估"),
    "life.act.adjustment": ("changing or stopping it", "调整或停止执行"),
    "life.state.active": ("still being decided", "尚在决策程序中"),
    "life.state.rejected": ("rejected", "已被否决"),
    "life.state.closed": ("closed", "已终结"),
    "life.state.None": ("archived before its life was recorded", "归档时尚未记录执行状态"),
    "life.state.in_force": ("in force", "正在执行"),
    "life.state.suspended": ("suspended", "已中止执行"),
    "life.state.stopped": ("stopped", "已停止执行"),
    "life.state.superseded": ("superseded by a later decision", "已被后续决策调整"),
    "life.text_needed": ("{option} must not be empty", "{option} 不能为空"),
    "life.attach": (
        "--attach {item!r}: give KIND=PATH with KIND one of {kinds}",
        "--attach {item!r}：应为 类型=路径，类型为 {kinds} 之一",
    ),
    "life.date": ("{option} {value!r} is not a date (YYYY-MM-DD)", "{option} {value!r} 不是日期（YYYY-MM-DD）"),
    "life.ground": (
        "{ground!r} is not a ground for a post-decision evaluation; one of {grounds}",
        "{ground!r} 不是决策后评估的启动情形，应为 {grounds} 之一",
    ),
    "life.conclusion": (
        "{conclusion!r} is not an evaluation's conclusion; one of {conclusions}",
        "{conclusion!r} 不是后评估结论，应为 {conclusions} 之一",
    ),
    "life.evaluation_open": (
        "decision {id} is being evaluated already: report that evaluation first",
        "决策 {id} 已在进行决策后评估：请先报送该评估报告",
    ),
    "life.evaluation_none": ("decision {id} has no evaluation begun to report", "决策 {id} 没有已启动的后评估可报送"),
    "life.evaluation_report_needed": (
        "the evaluation of decision {id} is reported with its report (--attach evaluation_report=FILE)",
        "决策 {id} 的后评估须附评估报告（--attach evaluation_report=文件）",
    ),
    "life.evaluator_assessed": (
        "{evaluator} did pre-decision assessments of decision {id}: it may not evaluate the same decision",
        "{evaluator} 承担过决策 {id} 的决策前评估论证工作，不得承担该决策的后评估",
    ),
    "life.evaluator_recorded": (
        "{user} recorded pre-decision assessments of decision {id}: they may not evaluate the same decision",
        "{user} 记录过决策 {id} 的决策前评估论证，不得承担该决策的后评估",
    ),
    "life.adjustment": ("{kind!r} is not an adjustment; one of {kinds}", "{kind!r} 不是调整方式，应为 {kinds} 之一"),
    "life.done.implementation_reported": ("decision {id}: implementation reported", "决策 {id}：已报告执行情况"),
    "life.done.tracking_feedback": ("decision {id}: tracking feedback recorded", "决策 {id}：已记录跟踪反馈"),
    "life.done.suspended": ("decision {id}: implementation suspended", "决策 {id}：已中止执行"),
    "life.done.resumed": ("decision {id}: implementation resumed, in force again", "决策 {id}：已恢复执行"),
    "life.done.evaluation_started": ("decision {id}: post-decision evaluation begun", "决策 {id}：已启动决策后评估"),
    "life.done.evaluation_reported": ("decision {id}: evaluation reported", "决策 {id}：已报送后评估报告"),
    "life.done.adjustment_opened": (
        "created decision {id}, which changes or stops decision {original}; it stands at {stage}",
        "已创建决策 {id}，用以调整决策 {original}；当前阶段：{stage}",
    ),
    "life.adjustment_open": (
        "decision {id} is being changed or stopped already, by case {other}",
        "决策 {id} 已有调整案件 {other} 在办理中",
    ),
}
