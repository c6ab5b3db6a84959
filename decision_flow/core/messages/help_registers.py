"""The Chinese of the help (``--help``) of the commands that keep the registers around the
cases: workflows, users, organs, the audit trail, keys, the calendar, the decision-item
catalogue and the rule-of-law activities. Keys as in help_commands.py."""

HELP: dict[str, str] = {
    # dflow workflow
    "help.workflow": "随软件提供的各项程序；校验流程文件。",
    "help.workflow.list": "列出新建案件可用的程序：随软件提供的，以及数据库已初始化时其中安装的（各取最新版本）。",
    "help.workflow.show": (
        "查看某一程序的阶段、步骤、角色、字段和材料（新建案件所用的版本，或 --version N 指定的版本）。"
    ),
    "help.workflow.show.name": "流程名称，如 major-decision。",
    "help.workflow.show.--version": "此前的版本或已安装的版本。",
    "help.workflow.check": "校验流程文件：其结构，以及任何地方流程都不得违反的法定要求。",
    "help.workflow.check.file": "流程定义 TOML 文件。",
    "help.workflow.install": (
        "校验本地流程文件并保存到数据库（仅限系统管理员），使共用服务器的各终端都使用它："
        "新建的同名案件使用该流程，在办案件仍沿用创建时的版本。文件有改动须使用新的版本号。"
    ),
    "help.workflow.install.file": "流程定义 TOML 文件（可用 extends 继承随软件提供的流程）。",
    "help.workflow.diagram": "以 Mermaid 状态图打印某一程序（可粘贴到任一 Mermaid 查看工具）。",
    "help.workflow.diagram.name": "流程名称，如 major-decision。",
    # dflow user
    "help.user": "管理用户及其角色（由系统管理员变更；任何人均可查阅）。",
    "help.user.add": "在所在机关登记用户及其一个或多个角色和签名密钥（由该机关的系统管理员办理）。",
    "help.user.add.name": "新用户的用户名。",
    "help.user.add.--role": (
        "角色：officer（承办人员）、legal_reviewer（合法性审查人员）、executive（行政首长）、"
        "auditor（审计人员）或 admin（系统管理员）；多个角色可重复使用本选项。"
    ),
    "help.user.add.--public-key": "用户本人用 dflow key new 生成的公钥（不提供则在此生成密钥对）。",
    "help.user.add.--organ": "用户所在机关（默认：系统管理员本人所在机关）。",
    "help.user.grant": (
        "授予用户在另一机关的角色（如县级合法性审查人员对乡镇的审查），或予以收回（由该机关的系统管理员办理）。"
    ),
    "help.user.grant.name": "用户名。",
    "help.user.grant.--organ": "用户所在机关以外的机关。",
    "help.user.grant.--role": "用户在该机关的角色，取代其原有角色；不填写则不再担任任何角色。",
    "help.user.role": "更换用户的角色（仅限系统管理员；记入一条载明新旧角色的审计事件）。",
    "help.user.role.name": "要变更角色的用户。",
    "help.user.role.--role": "新角色，取代原有角色；多个角色可重复使用本选项。",
    "help.user.deactivate": "停用用户（仅限系统管理员）：用户不会被删除，其历史记录仍归属本人；停用后不能再办理操作。",
    "help.user.deactivate.name": "要停用的用户。",
    "help.user.list": "列出已登记的用户及其角色（任何人均可查阅）。",
    # dflow organ
    "help.organ": "本服务器上的决策机关：县级、部门、乡镇。",
    "help.organ.add": "在某一机关下登记下级机关（由上级机关的系统管理员办理）。",
    "help.organ.add.code": "简短代码：小写字母、数字、- 和 _。",
    "help.organ.add.--name": "机关全称，如 沙河乡人民政府。",
    "help.organ.add.--level": "county（县级）、department（部门）或 township（乡镇）。",
    "help.organ.add.--parent": "上级机关。",
    "help.organ.list": "列出全部机关：代码、名称、层级和上级机关。",
    # dflow audit
    "help.audit": "打印（dflow audit ID）、校验、留存检查点或导出审计记录。",
    "help.audit.trail": "打印某一决策的审计记录，每行一条事件：可简写为 dflow audit ID。",
    "help.audit.verify": (
        "校验每一条审计链和每一份材料文件，或校验导出的审计记录；指明出错的审计链和首条出错事件（退出码 7）。"
    ),
    "help.audit.verify.decision": "同时核查该决策是否存在。",
    "help.audit.verify.--anchor": "检查点文件（dflow audit head [--decision ID] 打印的内容）；也可与 --file 同用。",
    "help.audit.verify.--file": "离线校验导出的 JSON 审计记录（无须数据库和用户：不核查 --as）。",
    "help.audit.verify.--full": "重新核验全部签名，而不只是本机上次校验以来新增的签名。",
    "help.audit.verify.--organ": "只校验登记链和该机关的审计链。",
    "help.audit.head": "打印检查点（每条审计链的长度、链头哈希值和时间），留存于系统之外，供 verify --anchor 使用。",
    "help.audit.head.--decision": "某一决策自身审计链的检查点（用于其导出文件）。",
    "help.audit.head.--organ": "某一机关审计链的检查点（registry：登记链的检查点）。",
    "help.audit.export": "导出某一决策的审计记录，供打印（pdf、html）、制表（csv）或离线校验（json）。",
    "help.audit.export.--format": "pdf、html、csv 或 json。",
    "help.audit.export.--output": "写入的文件。",
    # dflow key
    "help.key": "签名密钥：每项操作都以操作人本人的密钥签名。",
    "help.key.new": (
        "在本机生成本人的密钥对（无须数据库）；将打印出的公钥交给系统管理员，"
        "由其用 user add --public-key 或 key issue --public-key 登记。"
    ),
    "help.key.new.name": "用户名。",
    "help.key.show": "打印本人密钥文件中的公钥（密钥文件设有口令的，会要求输入）。",
    "help.key.show.name": "用户名。",
    "help.key.rotate": "以新密钥对替换本人的密钥对（用原密钥签名，记入审计事件）。",
    "help.key.issue": (
        "为没有密钥的用户登记密钥：密钥被吊销后，或账户创建于启用签名之前（仅限系统管理员）。"
        "不用 --public-key 时，在此为该用户生成密钥对。"
    ),
    "help.key.issue.name": "用户名。",
    "help.key.issue.--public-key": "用户本人在自己的计算机上用 dflow key new 生成的公钥。",
    "help.key.revoke": "吊销用户的密钥（仅限系统管理员）：系统管理员签发新密钥前，该用户不能办理操作。",
    "help.key.revoke.name": "用户名。",
    "help.key.revoke.--reason": "理由：密钥遗失或泄露、人员离职等。",
    # dflow calendar
    "help.calendar": "法定工作日历：依国务院办公厅通知导入某一年度，查看某一年度，核对。",
    "help.calendar.import": (
        "依国务院办公厅关于节假日安排的通知，导入某一年度的法定节假日和调休上班日"
        "（仅限系统管理员；记入经签名的审计事件）。"
    ),
    "help.calendar.import.file": "该年度的文件：TOML，以 .json 结尾的为 JSON（见 docs/calendar.md）。",
    "help.calendar.import.--replace": "替换已导入的年度（须用 --reason）。",
    "help.calendar.import.--reason": "替换已导入年度的理由。",
    "help.calendar.show": "查看法定工作日历的某一年度：其来源、法定节假日和调休上班日。",
    "help.calendar.show.year": "年度，如 2027。",
    "help.calendar.check": "将每个已导入年度与已安装的 chinese-calendar 逐日核对；列出两者不一致的日期（退出码 7）。",
    # dflow catalogue
    "help.catalogue": "机关的年度重大行政决策事项目录（第3条）：目录事项、同级党委同意、公布。",
    "help.catalogue.add": (
        "在机关某一年度的目录中增加事项（由该机关的承办人员或系统管理员办理）；"
        "目录公布后，年度中增加的事项须用 --reason 说明理由。"
    ),
    "help.catalogue.add.--year": "目录所属年度，如 2025。",
    "help.catalogue.add.--organ": "目录所属机关。",
    "help.catalogue.add.--title": "机关拟作出的决策。",
    "help.catalogue.add.--unit": "承办单位。",
    "help.catalogue.add.--planned": "计划完成日期，须在该年度内。",
    "help.catalogue.add.--basis": "法律或政策依据。",
    "help.catalogue.add.--reason": "增加的理由：目录公布后必须填写。",
    "help.catalogue.remove": (
        "将某一事项移出目录，须说明理由：只标注为已移除（时间、操作人、理由），不予删除；已据以作出决策的事项仍予保留。"
    ),
    "help.catalogue.remove.item": "事项编号（见 dflow catalogue show）。",
    "help.catalogue.remove.--reason": "移出目录的理由。",
    "help.catalogue.consent": "记录同级党委对目录的同意（须在公布之前）。",
    "help.catalogue.consent.--year": "目录所属年度，如 2025。",
    "help.catalogue.consent.--organ": "目录所属机关。",
    "help.catalogue.consent.--on": "同级党委同意的日期。",
    "help.catalogue.consent.--body": "同级党委，如 中共沙河乡委员会。",
    "help.catalogue.publish": (
        "记录目录的公布：须已记录同级党委同意，且公布日期不早于同意日期（第3条）。此后增加或移除事项须说明理由。"
    ),
    "help.catalogue.publish.--year": "目录所属年度，如 2025。",
    "help.catalogue.publish.--organ": "目录所属机关。",
    "help.catalogue.publish.--on": "公布日期。",
    "help.catalogue.show": (
        "查看某一年度的目录：每一事项及据以作出的决策（其阶段和状态），已移除的事项及理由，同级党委同意和公布情况。"
    ),
    "help.catalogue.show.--year": "目录所属年度，如 2025。",
    "help.catalogue.show.--organ": "只查看某一机关的目录（默认：本人可查阅的全部机关）。",
    "help.catalogue.export": (
        "导出机关的目录（中文）以供公布：仍在目录中的事项及其承办单位、计划完成日期和依据，以及同级党委同意情况。"
    ),
    "help.catalogue.export.--year": "目录所属年度，如 2025。",
    "help.catalogue.export.--organ": "目录所属机关。",
    "help.catalogue.export.--format": "pdf（供打印张贴）或 csv（供电子表格使用）。",
    "help.catalogue.export.--output": "写入的文件。",
    # dflow activity
    "help.activity": "机关的法治工作活动登记（集中学法、普法宣传、法律咨询、法律顾问），计入年度报告。",
    "help.activity.add": (
        "登记机关的一项活动（由该机关的承办人员或系统管理员办理）：类别、日期、参加人数、发放的资料，"
        "以及为其留存的文件（按 SHA-256 保存）。"
    ),
    "help.activity.add.--organ": "举办活动的机关。",
    "help.activity.add.--kind": (
        "类别：study_session（集中学法）、publicity_event（普法宣传活动）、legal_consultation（法律咨询）"
        "或 adviser_appointment（法律顾问聘任）。"
    ),
    "help.activity.add.--on": "举办日期（不得晚于今天）。",
    "help.activity.add.--count": "参加人数（人数，或提供咨询的次数）。",
    "help.activity.add.--title": "活动名称，如 宪法宣传周。",
    "help.activity.add.--materials": "发放的宣传单、手册份数。",
    "help.activity.add.--village": "所涉村（社区）（adviser_appointment 类必填）。",
    "help.activity.add.--notes": "其他需要留存的情况。",
    "help.activity.add.--attach": "为其留存的文件（签到表、照片）；可重复使用本选项。",
    "help.activity.withdraw": (
        "撤回误登记的活动，须说明理由：只标注为已撤回（时间、操作人、理由），不予删除，不再计入。"
    ),
    "help.activity.withdraw.activity": "活动编号（见 dflow activity list）。",
    "help.activity.withdraw.--reason": "撤回的理由（如重复登记）。",
    "help.activity.list": (
        "列出某一年度的活动，再按类别列出年度报告计入的数字：活动次数、人数、发放资料数，"
        "以及每个数字所依据的活动编号（已撤回的不计）。"
    ),
    "help.activity.list.--year": "年度，如 2025。",
    "help.activity.list.--organ": "只列出某一机关的活动（默认：本人可查阅的全部机关）。",
    # dflow report
    "help.report": "由系统数据生成的报告：法治政府建设年度报告。",
    "help.report.annual": (
        "由系统数据生成本年度法治政府建设工作报告（DOCX 供编辑修改，或 PDF），或用 --json 输出各项数字及其所依据的"
        "记录编号。数据无法支撑的内容，报告中以【待填写】标出，由承办人员补写。"
    ),
    "help.report.annual.--year": "报告所属年度，如 2025。",
    "help.report.annual.--organ": "报告所属机关（默认：本人可查阅的全部机关）。",
    "help.report.annual.--output": "写入的报告文件：文件.docx（供编辑）或 文件.pdf。",
    # dflow opinion, dflow serve, dflow user password: the public consultation page (issue 16)
    "help.opinion": "决策草案的网上征求意见页面及公众意见（公众意见，《重大行政决策程序暂行条例》第15条、第29条）。",
    "help.opinion.open": (
        "按公告载明的期间开放决策的征求意见页面（承办人员，在公众参与阶段）；再次执行即变更期间。"
        "步骤的 opened_on 和 closed_on 随后在各自日期到来时据此填写。"
    ),
    "help.opinion.open.--from": "开始接收意见的日期。",
    "help.opinion.open.--to": "最后接收意见的日期。",
    "help.opinion.publish": "在征求意见页面上公开决策的某一材料（草案、起草说明），供公众下载（该机关的承办人员）。",
    "help.opinion.publish.sha256": "该材料的 SHA-256（见 dflow show）。",
    "help.opinion.add": "录入征求意见期间以信函或会议方式提出的意见（承办人员），使各渠道的意见都计入统计。",
    "help.opinion.add.--text": "意见原文（至多 2,000 字）。",
    "help.opinion.add.--channel": "提出方式：letter（信函）或 meeting（会议）（网上意见由页面接收）。",
    "help.opinion.add.--name": "提出人姓名（如其告知）。",
    "help.opinion.add.--unit": "提出人单位（如其告知）。",
    "help.opinion.add.--phone": "提出人电话（如其提供）。",
    "help.opinion.list": (
        "列出决策收到的意见、各条意见的处理情况及统计数；提出人信息仅对在该案件所属机关任职的人员显示。"
    ),
    "help.opinion.mark": "标注某条意见的处理情况并说明理由（承办人员，在公众参与步骤办结前）；办结前可以更改。",
    "help.opinion.mark.opinion": "意见编号（见 dflow opinion list）。",
    "help.opinion.mark.--mark": "adopted（采纳）、partly（部分采纳）或 not_adopted（未采纳）。",
    "help.opinion.mark.--reason": "理由（采纳的除外，必填）；随处理情况一并公布。",
    "help.opinion.handling": (
        "征求意见期满且每条意见均已标注后，根据标注生成意见采纳情况及理由说明（PDF），作为公众参与步骤的材料附上。"
    ),
    "help.serve": (
        "提供征求意见网页：每份草案的公开页面及意见表单，期满后的意见反馈表；以及承办人员标注意见的页面"
        "（以 dflow user password 设置的密码登录）。意见以 --as 指定的账号接收并签名（须为所服务机关的承办人员）；"
        "默认只在 127.0.0.1 上监听，可用 --host 另行指定。纯 HTML 页面，不含脚本。"
    ),
    "help.serve.--host": "监听的地址。",
    "help.serve.--port": "监听的端口。",
    "help.serve.--per-minute": "每个地址每分钟可提交的意见（及登录）次数。",
    "help.user.password": (
        "设置用户登录承办人员网页（dflow serve）的密码，输入两次（脚本可用 DFLOW_NEW_PASSWORD）；"
        "由其所在机关的系统管理员或本人设置。以加盐的 scrypt 散列保存；其所作变更仍以本人密钥签名。"
    ),
    "help.user.password.name": "要设置密码的用户。",
}
