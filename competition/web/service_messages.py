"""The services' and the policy's fixed refusals, marked for the English catalog.

Services raise their messages in Chinese, because the API answers in Chinese; pages show the
same refusals and translate them (`translate()` in the templates, `_()` in `show_refusal`) when
the catalog knows them. Marking them here keeps the services free of page concerns. A message
that is reworded in a service simply shows in Chinese until it is marked again here; messages
with values in them (names, numbers) stay in Chinese.
"""

from __future__ import annotations

from competition.i18n import N_

SERVICE_MESSAGES = (
    N_("决赛名单尚未公布"),
    N_("决赛已开始评分，不能再更改决赛名单"),
    N_("初赛成绩已发布，不能再登记选手"),
    N_("单位初赛组委会的裁判只能为本单位的初赛评分"),
    N_("只有组委会可以进行此操作"),
    N_("只能为本单位的选手评分"),
    N_("名次裁定中有重复的选手"),
    N_("您不是该赛项的裁判，不能评分"),
    N_("本竞赛没有这个单位"),
    N_("本赛项没有这名选手"),
    N_("本轮成绩尚未发布"),
    N_("本轮成绩已发布并锁定，不能再修改"),
    N_("本轮成绩已发布，不能再裁定"),
    N_("本轮成绩已经发布"),
    N_("本轮还没有可发布的选手"),
    N_("没有这个竞赛"),
    N_("没有这个赛项"),
    N_("没有这个轮次（应为 preliminary 或 final）"),
    N_("用户信息有误"),
    N_("竞赛设置有误"),
    N_("裁判分配有误"),
    N_("该单位未在本竞赛登记"),
    N_("该裁判已分配到本赛项"),
    N_("该身份证号已在本赛项登记"),
    N_("请填写裁定理由"),
    N_("裁定理由不能为空"),
    N_("赛项设置有误"),
    N_("还有选手成绩不全或同分未决，不能发布"),
    N_("选手信息有误"),
    N_("裁定的选手必须恰好是一组未决的同分选手"),
    N_("不是一组未决的同分选手"),
    N_("此裁定与已有的裁定顺序矛盾"),
    N_("身份证号应为 18 位，最后一位可为数字或 X"),
    N_("身份证号校验位不正确，请核对"),
    N_("已经有评分，不能再修改评分项、权重、同分比较顺序或最少决赛人数"),
    N_("已有成绩发布，不能再修改规则"),
    N_("至少需要一个评分项"),
    N_("至少需要一个权重大于 0 的评分项"),
    N_("同分比较项重复"),
    N_("密码至少 8 位"),
    N_("用户名须为 2-64 位字母、数字、下划线、点或连字符"),
    N_("已登记"),
    N_("已分配"),
    N_("参赛号已被使用"),
    N_("该用户不是裁判角色"),
    N_("没有这个用户"),
    # reading spreadsheets (competition.spreadsheets) and importing them (services.imports)
    N_("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后再上传"),
    N_("只能上传 Excel（.xlsx）或 CSV 文件"),
    N_("文件里没有数据"),
    N_("文件不是有效的 Excel（.xlsx）文件"),
    N_("Excel 文件解压后过大，请只保留报名表"),
    N_("Excel 文件里没有工作表"),
    N_("无法识别文件编码，请以 UTF-8 或 GBK 编码保存 CSV 文件"),
    N_("文件不是文本格式的 CSV 文件"),
    N_("找不到表头：文件的前几行中应有“姓名”和“单位”两列（“身份证号”“参赛号”两列可选）"),
    N_("缺少“姓名”或“单位”列"),
    N_("文件里只有表头，没有选手"),
    N_("没有选手"),
    # concurrent edits (services.setup, services.results)
    N_("竞赛信息已被他人修改，您这次的修改没有保存。请查看最新信息后再改。"),
    N_("赛项设置已被他人修改，您这次的修改没有保存。请查看最新设置后再改。"),
    N_("这组同分已有裁定，不能重复裁定"),
    N_("这组同分已有裁定"),
)
