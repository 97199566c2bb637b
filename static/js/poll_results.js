// The poll results pages (the facilitator's results, the respondent's thank-you page): every
// question's chart, drawn from the JSON next to it. The server has rendered the table (and the
// open answers) already; the chart is the picture of the same numbers.
import { drawResults } from "./poll_charts.js";

for (const section of document.querySelectorAll(".poll-result")) {
  const data = section.querySelector("script.poll-data");
  const chart = section.querySelector(".poll-chart");
  if (!data || !chart) continue;
  const { question, results } = JSON.parse(data.textContent);
  if (question.type === "open") continue; // the list of answers is on the page already
  drawResults(chart, question, results);
}
