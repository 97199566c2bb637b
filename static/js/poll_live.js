// What a live page knows of the session's live poll (docs/polls-protocol.md): every question
// with its settings and its results as this viewer may see them, kept up to date from the
// snapshot and the poll_question / poll_results events. Shared by the room, the presenter and
// the console; each draws it its own way. No strings and no DOM here.

// The part of a poll_results event that is results (not the event's own bookkeeping).
function resultsOf(data) {
  const { seq, sent_at: sentAt, ...results } = data;
  return results;
}

// True when these results hold numbers, not only the count sent while they are hidden.
export const hasNumbers = (results) =>
  ["options", "distribution", "words", "answers"].some((key) => Array.isArray(results?.[key]));

export class LivePolls {
  // `full`: this viewer gets the whole results while they are hidden from the room (the
  // facilitators get a count to everyone first and then the numbers in a second event).
  constructor({ full = false } = {}) {
    this.full = full;
    this.items = new Map(); // String(question id) -> {question, results, order, touched}
    this.myAnswers = new Map(); // String(question id) -> my answer (participants)
    this.latest = new Map(); // key -> seq of the newest event applied for it
    this.clock = 0; // counts events, so "the question last opened, closed or revealed" is known
  }

  // A snapshot's `polls` ({questions: [{question, results}], my_answers}) replaces everything.
  snapshot(polls) {
    this.items = new Map();
    this.latest.clear();
    (polls?.questions ?? []).forEach(({ question, results }, order) => {
      if (question?.id === undefined) return;
      this.items.set(String(question.id), { question, results: { ...results }, order, touched: 0 });
    });
    this.myAnswers = new Map(Object.entries(polls?.my_answers ?? {}).map(([id, value]) => [String(id), value]));
  }

  fresh(key, seq) {
    if (typeof seq !== "number") return true;
    const newest = this.latest.get(key);
    if (newest !== undefined && seq < newest) return false;
    this.latest.set(key, seq);
    return true;
  }

  // poll_question: a question opened, closed, hidden or revealed. Returns {item, before} (the
  // settings it had), or null when the event was older than what is known.
  question(data) {
    const question = data?.question;
    if (question?.id === undefined) return null;
    const id = String(question.id);
    if (!this.fresh(`question:${id}`, data.seq)) return null;
    const item = this.items.get(id) ?? { results: { respondents: 0 }, order: this.items.size, touched: 0 };
    const before = item.question ?? null;
    item.question = question;
    item.touched = ++this.clock;
    if (question.results_hidden && !this.full) {
      // Hidden again: what was shown goes (a count follows); revealed: the numbers follow.
      item.results = { question_id: question.id, respondents: item.results?.respondents ?? 0, hidden: true };
    } else item.results = { ...item.results, hidden: Boolean(question.results_hidden) };
    this.items.set(id, item);
    return { item, before };
  }

  // poll_results: new numbers (or, while hidden, a new count). Returns the item, or null.
  results(data) {
    const id = String(data?.question_id);
    const item = this.items.get(id);
    if (!item || !this.fresh(`results:${id}`, data.seq)) return null;
    const incoming = resultsOf(data);
    if (hasNumbers(incoming)) item.results = incoming;
    else if (this.full && hasNumbers(item.results)) item.results = { ...item.results, ...incoming }; // the numbers follow
    else item.results = { question_id: data.question_id, respondents: incoming.respondents ?? 0, hidden: true };
    return item;
  }

  // In the order of the polls and their questions.
  list() {
    return [...this.items.values()].filter((item) => item.question).sort((a, b) => a.order - b.order);
  }

  get(id) {
    return this.items.get(String(id)) ?? null;
  }
}
