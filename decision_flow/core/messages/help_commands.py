"""The Chinese of the help (``--help``) of the procedure's commands: the root, a case's life
from ``new`` to ``evaluate``, the options many commands share, and the option parser's own
words. Keys: help.<command path> (its description; the example's command line is the English
docstring's), help.<command path>.<option or argument>, help.common.<shared option>,
help.click.<word>. See dflow_cli/help_zh.py."""

HELP: dict[str, str] = {
    # the option parser's own words
    "help.click.usage": "用法：",
    "help.click.options_metavar": "[选项]",
    "help.click.subcommand_metavar": "命令 [参数]...",
    "help.click.options": "选项",
    "help.click.arguments": "参数",
    "help.click.commands": "命令",
    "help.click.required": "必填",
    "help.click.default": "默认：{default}",
    "help.click.env_var": "环境变量：{var}",
    "help.click.dynamic": "（动态）",
    "help.click.help": "显示本帮助并退出。",
    "help.click.example": "示例：",
    # options and arguments shared by many commands (dflow_cli/common.py)
    "help.common.db": "数据库 URL 或 SQLite 文件（默认 ~/.local/share/dflow/dflow.db）。",
    "help.common.as": "操作人（用户名）。",
    "help.common.read_as": "查阅人：可不填（查阅无须表明身份），但填写的用户须已登记且在用。",
    "help.common.json": "在标准输出打印一份 JSON 文档。",
    "help.common.passphrase": "为新密钥文件设置口令，须输入两次（脚本中用 DFLOW_NEW_PASSPHRASE）。",
    "help.common.id": "决策编号。",
    "help.common.step": "当前阶段的一个步骤，如 public_participation。",
    # dflow
    "help.dflow": "按法定程序办理重大行政决策。",
    "help.due": (
        "列出在办案件中系统掌握的全部期限，最近的在前：决策作出后20个工作日内公布（R23），"
        "流程定义设定的合法性审查时限和备案时限，决策事项目录的计划完成日期（第3条），"
        "以及决策后评估的到期日（第36条）；每项列明所属案件、剩余工作日（逾期的加以标注）和所依条文。"
        "查阅范围与 dflow list 相同：本人担任角色的机关（--as）、某一机关或全部机关。"
    ),
    "help.due.--organ": "只列出该机关的期限。",
    "help.due.--all-organs": "列出全部机关的期限（未用 --as，或操作人可查阅全部机关时）。",
    "help.due.--within": "只列出若干自然日内到期（如 10d）的事项，以及全部已逾期的事项。",
    "help.due.--today": "从该日起算而非今天（用于可重现的报表）。",
    "help.withdraw": (
        "撤回当前阶段某一步骤中误传的材料，须说明理由：文件内容仍保存在存储中，上传记录仍留在审计记录中；"
        "该步骤不再计入这份材料。"
    ),
    "help.withdraw.--file": "要撤回的文件：写明其类别和文件名，或 SHA-256 值的开头部分。",
    "help.withdraw.--reason": "误传的原因。",
    "help.init": "创建或升级数据库（可重复执行）；可同时在第一个机关登记第一名系统管理员。",
    "help.init.--admin": "将该用户登记为第一名系统管理员，并为其生成密钥对。",
    "help.init.--organ": "第一个机关的代码，与第一名系统管理员一同创建。",
    "help.init.--organ-name": "机关名称，如 沙河乡人民政府。",
    "help.init.--level": "机关层级：county（县级）、department（部门）或 township（乡镇）。",
    "help.demo": (
        "在临时数据库中演示一件乡镇决策（或用 --workflow 演示其他程序的案件）办完全部阶段（用 --keep 保留数据库）："
        "越级推进被拒绝，审计记录校验通过。"
    ),
    "help.demo.--workflow": "改为演示另一程序的案件，如 mediation。",
    "help.demo.--keep": "将数据库和密钥保存到该新建或空的文件夹。",
    "help.new": "在某一机关创建决策，可依据其决策事项目录中的某一事项创建；打印新决策的编号。",
    "help.new.title": "决策名称。",
    "help.new.--workflow": "流程名称（见 dflow workflow list），如 major-decision-township。",
    "help.new.--flag": (
        "标记：technical、stability_risk、hearing_required、non_disclosable、market_affecting；多个标记可重复使用本选项。"
    ),
    "help.new.--organ": "作出决策的机关（默认：操作人所在机关）。",
    "help.new.--catalogue-item": "所依据的该机关决策事项目录中的事项编号（见 dflow catalogue show）。",
    "help.list": (
        "决策一览：本人担任角色的机关（--as）、某一机关或全部机关的决策；"
        "用 --workflow 时，按该流程所属程序的台账列出其案件（如规范性文件合法性审核台账）。"
    ),
    "help.list.--stage": "只列出处于该阶段的决策。",
    "help.list.--status": "状态：active（办理中）、rejected（已否决）、closed（已终结）或 archived（已归档）。",
    "help.list.--workflow": "只列出该流程的案件，并列出其程序台账的各栏（如该程序设有台账）。",
    "help.list.--organ": "只列出该机关的决策。",
    "help.list.--all-organs": "列出全部机关的决策（未用 --as，或操作人可查阅全部机关时）。",
    "help.show": (
        "查看决策：所处阶段、各步骤状态、已记录的字段和材料、尚缺的内容（因退回而沿用的步骤在再次完成前加以标注）。"
        "用 --diagram 时，改为绘制其流程图，标出已完成的阶段和当前阶段，输出 Mermaid 文本或 SVG 图片。"
    ),
    "help.show.--diagram": "改为绘制该案件的流程图，突出显示当前阶段。",
    "help.show.--format": "与 --diagram 同用：mermaid（文本，默认）或 svg（图片）。",
    "help.show.--output": "与 --diagram 同用：写入的文件。",
    "help.record": (
        "为当前阶段的某一步骤记录数据和材料。未给出任何内容且在终端中运行时，逐项询问该步骤尚未记录的字段，"
        "每项答完即核对，全部答完后一次记录。"
    ),
    "help.record.--set": "字段=值；多个字段可重复使用本选项。",
    "help.record.--attach": "类别=文件；多份材料可重复使用本选项。",
    "help.complete": "对当前阶段的某一步骤核查规则后予以完成。",
    "help.waive": "在法律允许时免除某一步骤（该步骤不适用），须说明理由。",
    "help.waive.--reason": "该步骤不适用的理由。",
    "help.waive.--reference": "所依据的此前评估（风险评估，第23条）。",
    "help.advance": "完成当前阶段剩余步骤并推进到下一阶段。",
    "help.advance.--to": "下一阶段（其他阶段一律拒绝）。",
    "help.return": (
        "将决策退回到此前某一阶段（如合法性审查意见为不合法，或审查结论为 amend 之后）。\n\n"
        "该阶段及其后各阶段的每一步骤重新打开、待办，退回前已记录的值和材料沿用为起点："
        "只记录有变化的内容，再重新完成（每条规则都将重新核查）。此类步骤在再次完成前，"
        "dflow show 将其标注为“沿用退回前记录”。免除不予沿用，须重新决定。"
    ),
    "help.return.--to": "此前的某一阶段，如 drafting。",
    "help.return.--reason": "退回决策的理由。",
    "help.flag": (
        "在决策创建后设置（用 --off 则清除）某一标记：须说明理由并记入审计记录，"
        "在公众参与、专家论证、风险评估阶段结束前均可办理；新标记不再允许的步骤将重新打开。"
    ),
    "help.flag.name": "标记：technical、stability_risk、hearing_required 等。",
    "help.flag.--reason": "变更标记的理由。",
    "help.flag.--off": "清除该标记，而不是设置。",
    "help.migrate": (
        "将在办案件迁移到其流程的另一版本（仅限系统管理员），作为一条载明新旧两个版本的审计事件。"
        "新版本改动或删除了该案件已开始或已完成的步骤，或在其后增加步骤的，予以拒绝，并列明受影响的步骤。"
    ),
    "help.migrate.--to-version": "该案件流程要迁移到的版本号。",
    # the decision in force (Decree 713 Arts. 34-37)
    "help.implement": "决策执行单位报告已生效决策的执行情况（第34—35条）；中止执行期间不得报告。",
    "help.implement.--report": "决策的执行情况。",
    "help.implement.--problems": "执行中遇到的问题，如有（第35条）。",
    "help.implement.--attach": (
        "材料：implementation_report、problem_report、evaluation_report 或 opinions；多份材料可重复使用本选项。"
    ),
    "help.feedback": "对执行中或中止执行的决策记录跟踪反馈（第35条）。",
    "help.feedback.--text": "对决策执行情况的反映内容。",
    "help.feedback.--source": "反映人（公民、村委会等）。",
    "help.suspend": "行政首长中止决策执行（第37条）；用 resume 恢复执行。",
    "help.suspend.--reason": "需要中止执行的第35条所称紧急情况。",
    "help.resume": "行政首长结束中止：决策恢复执行（第37条）。",
    "help.resume.--reason": "可以继续执行的理由。",
    "help.adjust": "新立案件以变更或停止执行某一决策，重新履行全部程序（第37条）。",
    "help.adjust.--kind": "change（作出新决策取代原决策）或 stop（停止执行）。",
    "help.adjust.--title": "新案件的名称。",
    "help.adjust.--workflow": "新案件的流程（默认：被调整决策的流程）。",
    "help.evaluate": "决策后评估（第36条）：start 依据某一情形启动，再用 report 报送评估结论。",
    "help.evaluate.start": "启动决策后评估；评估单位承担过该决策的决策前评估论证工作的，予以拒绝。",
    "help.evaluate.start.--ground": (
        "启动情形：missed_goals（明显未达到预期效果）、many_objections（公民、法人或者其他组织提出较多意见）"
        "或 found_necessary（决策机关认为有必要）。"
    ),
    "help.evaluate.start.--evaluator": "评估单位（不得是承担过该决策的决策前评估论证工作的单位）。",
    "help.evaluate.start.--due": "评估报告的报送期限。",
    "help.evaluate.report": "报送已启动评估的结论，并附评估报告作为材料（--attach evaluation_report=文件）。",
    "help.evaluate.report.--conclusion": "评估结论：continue（继续执行）、adjust（调整）或 stop（停止执行）。",
    "help.evaluate.report.--public-opinions": "听取的社会公众意见。",
    "help.evaluate.report.--expert-opinions": "专家意见。",
    "help.evaluate.report.--attach": (
        "材料：implementation_report、problem_report、evaluation_report 或 opinions；多份材料可重复使用本选项。"
    ),
}
