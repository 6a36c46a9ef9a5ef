# 答题：群内抢答、私聊段位测评、每日一题。

cmd-quiz-start = 在本群开一轮抢答：可指定题库和题数（默认版主可用，社区可开放给成员）
cmd-quiz-stop = 提前结束本群的答题（开题的人或版主）
cmd-quiz-answer = 回答当前题目（也可以直接在群里发答案）
cmd-quiz-pick = 选择题作答（题目下的按钮就是这条命令）
cmd-quiz-topics = 查看可用的题库和题数
cmd-quiz = 群内抢答、题库和每日一题
cmd-quiz-daily = 查看每日一题，私聊带上答案作答；版主：here [09:00] 每天在本群发布，off 关闭
cmd-exam = 私聊进行段位测评：答对更难、答错更易
cmd-exam-result = 查看你的段位和测评记录
cmd-exam-stop = 提前结束正在进行的测评
cmd-exam-announce = 升段时是否在群里公布：on 或 off

quiz-lang-zh = 中文
quiz-lang-en = 英文

## 群内抢答

quiz-round-started = 🎯 **{ $topic } 抢答开始！** 共 { $total } 题，每题 { $secs } 秒，最先答对的人得分。
quiz-round-fewer = （{ $topic } 的{ $lang }题目只有 { $total } 道，本轮就出 { $total } 题。）
quiz-question = **第 { $seq }/{ $total } 题** · { $stars } · { $secs } 秒
    { $text }
quiz-option-line = { $label }. { $option }
quiz-choice-hint = 点下面的按钮，或直接发送字母（例如 `B`）。
quiz-free-hint = 直接在群里发答案，或发送 `/quiz answer 答案`。
quiz-correct = ✅ **{ $name }** 答对了！答案：{ $answer }（{ $name } 本轮 { $score } 分）
quiz-pick-wrong = ❌ { $name } 选了 { $label }，不对；这题你不能再选了。
quiz-wrong-try = ❌ 不对，再想想。
quiz-timeout-reveal = ⏰ 时间到，没人答对。答案：**{ $answer }**
quiz-timeout-hidden = ⏰ 时间到，没人答对。
quiz-explanation = 💡 { $explanation }
quiz-round-end = 🏁 **本轮结束**：{ $reason }
quiz-end-all-asked = 题目都出完了。
quiz-end-max-score = { $name } 先拿到了 { $score } 分。
quiz-end-stopped = { $name } 结束了本轮。
quiz-end-idle = 太久没人作答，先到这里。
quiz-end-restart = 机器人重启中断太久。
quiz-scoreboard-line = #{ $rank } { $name } — { $score } 分
quiz-scoreboard-empty = 这一轮没有人答对。
quiz-paid = 每答对一题 { $points } 积分，已发给 { $count } 位答对的成员。
quiz-not-paid = 本轮只有 { $players } 人参加，不足 { $min } 人，这次不发积分。
quiz-cancelled-restart = ⚠️ 机器人重启期间本群的答题（第 { $seq }/{ $total } 题）中断太久，本轮已取消，不发积分。
quiz-topics = **可用题库**（{ $lang }）：
quiz-topic-line = `{ $topic }` { $name } — { $count } 题，难度 { $low }–{ $high }

## 群内抢答：错误输入

quiz-no-round = 本群现在没有进行中的答题。版主可以发送 `/quiz start 题库 [题数]` 开一轮。
quiz-closed = 这道题已经结束了。
quiz-already-picked = 这题你已经选过 { $label } 了，每题只能选一次。
quiz-round-running = 本群已经在答题了（{ $topic }，第 { $seq }/{ $total } 题）。一个群同时只能有一轮；发送 `/quiz stop` 可以提前结束。
quiz-unknown-topic = 没有叫“{ $topic }”的题库。可用的有：{ $topics }
quiz-no-topics = 还没有导入任何题库。管理员可以用 `jixia quiz import 文件` 导入。
quiz-topic-no-lang = 题库“{ $topic }”没有{ $lang }题目（它有：{ $langs }）。可以用 `/lang` 切换语言。
quiz-start-moderators-only = 本社区只有版主可以开始答题。
quiz-stop-not-yours = 只有开这一轮的 { $name } 或版主可以结束它。
quiz-too-many = 一轮最多 { $max } 题。
quiz-group-only = 抢答在群里进行。
quiz-bad-pick = 看不懂这个选项：“{ $got }”。请点题目下的按钮，或发送 A–{ $last }。

## 段位测评（私聊）

quiz-exam-dm-only = 段位测评只在私聊里进行：请私聊我发送 `/exam { $topic }`。
quiz-exam-pick-topic = 请选择要测评的题库：{ $topics }（例如 `/exam postgres`）。
quiz-exam-started = 📝 **{ $topic } 段位测评**：共 { $total } 题，每题 { $secs } 秒。答对下一题更难，答错更容易。直接回复答案即可，随时可以发送 `/exam stop` 结束。
quiz-exam-question = **第 { $seq }/{ $total } 题** · { $stars }
    { $text }
quiz-exam-right = ✅ 答对了！
quiz-exam-wrong = ❌ 不对，答案是：{ $answer }
quiz-exam-timeout = ⏰ 时间到，答案是：{ $answer }
quiz-exam-not-a-choice = 请回复选项字母 A–{ $last }，或点按钮。
quiz-exam-result = 🏅 测评结束：{ $score } 分，{ $topic } 段位 **{ $level }**。
quiz-exam-promoted = 🎉 这是你的新纪录！之前最好是 { $before }。
quiz-exam-first = 这是你在 { $topic } 的第一个段位。
quiz-exam-stopped = 测评已结束：答了 { $answered }/{ $total } 题，没答的按答错算，{ $score } 分，段位 **{ $level }**。冷却照常计算。
quiz-exam-cooldown = { $topic } 的测评还在冷却中，{ $when }后可以再测（{ $at }）。
quiz-exam-running = 你有一场测评正在进行（{ $topic }，第 { $seq }/{ $total } 题）：先答完，或发送 `/exam stop`。
quiz-exam-none = 你现在没有进行中的测评。
quiz-exam-too-few = 题库“{ $topic }”的{ $lang }题目只有 { $count } 道，不够一次 { $total } 题的测评。
quiz-exam-cancelled-restart = ⚠️ 机器人重启期间你的测评中断太久，已经取消：不计成绩，也不计冷却。可以重新发送 `/exam { $topic }`。
quiz-exam-results = **{ $name } 的段位**
quiz-exam-level-line = { $topic }：**{ $level }**（最好 { $score } 分）
quiz-exam-history = 最近的测评：
quiz-exam-history-line = { $date } · { $topic } · { $score } 分 · { $level }
quiz-exam-no-results = 你还没有做过段位测评。私聊我发送 `/exam` 开始。
quiz-exam-announce = 🏅 恭喜 **{ $name }** 在 { $topic } 测评中升到 **{ $level }**！
quiz-exam-announce-on = 好的，以后升段会在群里公布。
quiz-exam-announce-off = 好的，以后升段不在群里公布。
quiz-whoami-levels = 段位：{ $levels }
quiz-duration = { $hours ->
        [0] { $minutes } 分钟
       *[other] { $hours } 小时 { $minutes } 分钟
    }

## 每日一题

quiz-daily-post = 📅 **每日一题** · { $date } · { $stars }
    { $text }
quiz-daily-how = 私聊我发送 `/quiz daily 答案` 作答（免得剧透），第一次答对得 { $points } 积分。答案明天公布。
quiz-daily-yesterday = 昨天（{ $date }）的答案：**{ $answer }**，{ $solvers } 人答对。
quiz-daily-right = ✅ 答对了！+{ $points } 积分。
quiz-daily-right-no-reward = ✅ 答对了！
quiz-daily-wrong = ❌ 不对，今天还能再试 { $left } 次。
quiz-daily-out-of-tries = 今天的机会用完了，答案明天公布。
quiz-daily-solved = 你今天已经答对了，明天再来！
quiz-daily-none = 今天没有每日一题：还没有可用的题目。
quiz-daily-closed = 这是 { $date } 的题，已经结束了。今天的题请发送 `/quiz daily`。
quiz-schedule-set = ✅ 以后每天 { $time }（{ $tz }）在本群发布每日一题。
quiz-schedule-off = 已停止在本群发布每日一题。
quiz-schedule-none = 本群没有设置每日一题。
quiz-schedule-bad-time = 看不懂时间“{ $got }”：请写成 `09:00`，或写 `off` 关闭。
quiz-daily-dm-only = 每日一题请私聊 { $bot } 作答，别在群里剧透哦。

## 积分记录和摘要

points-kind-quiz_round = 答题
points-kind-quiz_daily = 每日一题
points-kind-quiz_promotion = 段位晋升
digest-quiz-daily = 每日一题：{ $count } 人答对
digest-quiz-daily-line = { $name }
digest-quiz-promotions = 本周段位晋升：
digest-quiz-promotion-line = { $name } — { $topic } { $level }
