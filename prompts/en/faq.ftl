# FAQ redirection: entries, automatic redirects, moderator redirects, feedback and gaps.

cmd-faq = Show the FAQ (an entry, a tag, a page); in reply to a message, point its author to an entry
cmd-faq-search = Search the FAQ
cmd-faq-add = Add an entry: after the id, the first line is the question, the lines below the answer (moderators)
cmd-faq-edit = Change an entry's question and answer, written as for /faq add (moderators)
cmd-faq-alias = Add another wording of an entry's question (moderators)
cmd-faq-remove = Remove an entry (moderators)
cmd-faq-gaps = Questions asked again and again that the FAQ does not answer (moderators)

faq-redirect =
    The FAQ answers this 👉 **{ $question }**
    { $answer }
faq-link = More: { $link }
faq-redirect-hint = (FAQ { $id }: send `/faq { $id }` for all of it; reply "not helpful" if it did not help)
faq-entry = **{ $question }** ({ $id })
    { $answer }
    Tags: { $tags } · other wordings: { $aliases } · viewed { $hits ->
        [one] { $hits } time
       *[other] { $hits } times
    } · 👍 { $helpful } · 👎 { $unhelpful }
faq-learned = Learned "{ $wording }" as a wording of { $id }: asked like that again, it is redirected automatically.
faq-unknown = There is no entry or tag { $id }. Send `/faq` for the list, or `/faq search WORDS`.
faq-no-page = Entry { $id } has only one page; no page number needed.
faq-empty = The FAQ is empty. Moderators add entries with `/faq add ID question⏎answer`, or import them with `jixia faq import`.
faq-no-such-page = There is no page { $page }; there are { $pages }.
faq-list = **FAQ** ({ $count ->
        [one] { $count } entry
       *[other] { $count } entries
    })
faq-list-tag = **FAQ · { $tag }** ({ $count ->
        [one] { $count } entry
       *[other] { $count } entries
    })
faq-list-footer = Page { $page }/{ $pages } · tags: { $tags }. Send `/faq ID` for an entry, `/faq TAG PAGE` for more.
faq-search = Entries closest to "{ $words }":
faq-search-none = Nothing in the FAQ about "{ $words }". Try other words, or ask a moderator to add it.
faq-no-question = The question is missing: after the id, write the question on the first line and the answer below it.
faq-no-answer = The answer is missing: the first line is the question; write the answer on the next lines.
faq-too-long = Too long: questions take at most { $question } characters, answers { $answer }.
faq-bad-id = "{ $id }" cannot be an entry id: use lower-case letters, digits and - . _ (like vacuum-full), and not a subcommand's name.
faq-duplicate = There is already an entry { $id }. To change it, use `/faq edit { $id }`.
faq-added = Added { $id }: { $question }
faq-edited = Changed { $id }: { $question }
faq-alias-exists = { $id } already has that wording.
faq-alias-added = Added a wording to { $id }: { $wording }
faq-removed = Removed { $id }.
faq-gaps-none = No unanswered question came up more than once in the last { $days ->
        [one] { $days } day
       *[other] { $days } days
    }.
faq-gaps = Asked more than once in the last { $days ->
        [one] { $days } day
       *[other] { $days } days
    } and not in the FAQ ({ $count ->
        [one] { $count } group
       *[other] { $count } groups
    }); candidates for new entries:
faq-feedback-noted = Thanks, and sorry it did not help. Noted ({ $id }); a moderator will look at it, and other members may answer.

# Its section of the digest:
digest-faq-new = New FAQ entries ({ $count }):
digest-faq-line = { $id }: { $question }
digest-faq-top = FAQ entries pointed to most:
digest-faq-top-line = { $id }: { $question } ({ $times ->
        [one] { $times } time
       *[other] { $times } times
    })
