"""Messages about the public's opinions on a draft (公众意见) and how each was handled, and the
consultation page (征求意见页面) that takes them."""

MESSAGES: dict[str, tuple[str, str]] = {
    # what is typed
    "opinion.empty": ("an opinion needs its text", "请填写意见内容"),
    "opinion.bad_phone": (
        "a phone number holds only digits, spaces, + and -",
        "联系电话只能包含数字、空格、+ 和 -",
    ),
    "opinion.bad_channel": (
        "unknown channel {channel!r}: the channels are {channels}",
        "没有 {channel!r} 这一途径：可选 {channels}",
    ),
    "opinion.bad_mark": ("unknown mark {mark!r}: the marks are {marks}", "没有 {mark!r} 这一处理结果：可选 {marks}"),
    "opinion.no_reason": (
        "an opinion not adopted, or partly adopted, needs the reason",
        "不予采纳或部分采纳的意见须说明理由",
    ),
    "opinion.duplicate": (
        "decision {id} already holds an opinion with this very text",
        "决策 {id} 已收到内容完全相同的意见",
    ),
    "value.opinion_id": ("{value!r} is not an opinion id (a whole number)", "{value!r} 不是意见编号（整数）"),
    # what is not there
    "opinion.no_page": ("decision {id} has no consultation page", "决策 {id} 没有征求意见页面"),
    "opinion.unknown": ("no opinion with id {id}", "没有编号为 {id} 的意见"),
    "opinion.no_file": (
        "decision {id} holds no evidence file with SHA-256 {sha256}",
        "决策 {id} 没有 SHA-256 为 {sha256} 的材料",
    ),
    # refused by the procedure
    "opinion.period": (
        "decision {id} is not taking opinions now: its consultation period is not open",
        "决策 {id} 当前不在征求意见期间，不接收意见",
    ),
    "opinion.period.detail": ("opinions are taken from {from} to {to}", "征求意见期间为 {from} 至 {to}"),
    "opinion.feedback_early": (
        "the feedback on decision {id}'s opinions is published once its consultation period has closed",
        "决策 {id} 的征求意见期间结束后方公布意见反馈",
    ),
    "opinion.count_typed": (
        "{field} is counted from the opinions the page holds ({counted}), not typed ({typed})",
        "{field} 由收到的意见统计得出（{counted}），不能填写为 {typed}",
    ),
    "opinion.date_typed": (
        "{field} is the consultation page's ({page}), not {typed}",
        "{field} 应与征求意见页面公布的期间一致（{page}），不能填写为 {typed}",
    ),
    "opinion.period_backwards": (
        "the period ends ({to}) before it begins ({from})",
        "期间截止日期（{to}）早于开始日期（{from}）",
    ),
    # done
    "opinion.page_opened": (
        "decision {decision}'s consultation page takes opinions from {opens_on} to {closes_on}",
        "决策 {decision} 的征求意见页面自 {opens_on} 至 {closes_on} 接收意见",
    ),
    "opinion.received": ("opinion {id} received on decision {decision}", "决策 {decision} 已收到意见 {id}"),
    "opinion.marked": ("opinion {id} marked {mark}", "意见 {id} 已标记为{mark}"),
    "opinion.published": (
        "file {name} is shown on decision {decision}'s page",
        "材料 {name} 已在决策 {decision} 的页面公开",
    ),
    "opinion.handling_attached": (
        "the opinion-handling document {name} is attached to decision {decision} "
        "({received} received, {adopted} adopted)",
        "已为决策 {decision} 生成并附上意见采纳情况 {name}（收到 {received} 条，采纳 {adopted} 条）",
    ),
    "opinion.handling_unmarked": (
        "{count} opinions of decision {id} are not marked yet: mark each before the handling document is made",
        "决策 {id} 尚有 {count} 条意见未标记处理结果：全部标记后方可生成意见采纳情况",
    ),
    "opinion.handling_early": (
        "decision {id}'s opinions are handled once its consultation period has closed ({closes_on})",
        "决策 {id} 的征求意见期间结束（{closes_on}）后方可生成意见采纳情况",
    ),
    # the opinion-handling document (in the meeting packet, Art. 29)
    "handling.title": ("Handling of public opinions and reasons", "公众意见采纳情况及理由"),
    "handling.case": ("Decision {id}: {title}", "决策事项（编号 {id}）：{title}"),
    "handling.period": ("Consultation period: {from} to {to}", "征求意见期间：{from}至{to}"),
    "handling.counts": (
        "Opinions received: {received}; adopted (wholly or partly): {adopted}",
        "收到意见 {received} 条，采纳（含部分采纳）{adopted} 条",
    ),
    "opinion.heading": ("Opinions of the public on decision {id}", "决策 {id} 收到的公众意见"),
    "opinion.col.received": ("Received", "收到时间"),
    "opinion.col.by": ("Given by", "提出人"),
    "handling.col.no": ("No.", "序号"),
    "handling.col.text": ("Opinion", "意见内容"),
    "handling.col.mark": ("Handled", "是否采纳"),
    "handling.col.reason": ("Reason", "理由"),
    "handling.none": ("(No opinion was received.)", "（未收到意见。）"),
    "handling.page": ("page {n} of {total}", "第 {n} 页 共 {total} 页"),
    "password.set": ("password set for {name}", "已为 {name} 设置登录密码"),
    "password.too_short": ("a password has at least {least} characters", "密码至少 {least} 个字符"),
    "password.mismatch": ("the two passwords differ", "两次输入的密码不一致"),
    "password.needed": (
        "no password given: type it at the prompt, or set DFLOW_NEW_PASSWORD in a script",
        "未提供密码：请在提示处输入，脚本中可设置 DFLOW_NEW_PASSWORD",
    ),
    "password.prompt": ("New password", "新密码"),
    "password.prompt_again": ("The same password again", "再次输入新密码"),
    "serve.bad_option": (
        "--port takes 1 to 65535 and --per-minute 1 or more",
        "--port 取值 1 至 65535，--per-minute 至少为 1",
    ),
    "serve.listening": (
        "serving on http://{host}:{port}/ (Ctrl-C stops)",
        "正在 http://{host}:{port}/ 提供服务（Ctrl-C 停止）",
    ),
}
