// The reference for tests/benchmarks/fanout.py: the least a Socket.IO server can do for the
// same clients. It lets every socket in (the token in `auth` is ignored), and on a
// `submit_idea` command broadcasts an `idea_added` shaped like the app's to everyone, then
// acknowledges like the app: {ok, id, ideas_left}. No database, no rooms, no presence.
//
//   node server.js PORT      (binds 127.0.0.1 only; prints "listening PORT" when ready)
"use strict";

const http = require("http");
const { Server } = require("socket.io");

const port = Number(process.argv[2] || process.env.PORT || 0);
const httpServer = http.createServer((req, res) => {
  // Anything that is not Socket.IO: a readiness answer for the benchmark.
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("ok\n");
});
const io = new Server(httpServer, { serveClient: false });

let lastId = 0;
let seq = 0;

io.on("connection", (socket) => {
  socket.on("submit_idea", (payload, ack) => {
    const text = payload && typeof payload.text === "string" ? payload.text : "";
    const id = ++lastId;
    const now = new Date().toISOString();
    const idea = {
      id,
      text,
      created_at: now,
      pinned: false,
      votes: 0,
      group: null,
      source: null,
      pending: false,
    };
    io.emit("idea_added", { idea, seq: ++seq, sent_at: now });
    if (typeof ack === "function") ack({ ok: true, id, ideas_left: 99 });
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`listening ${httpServer.address().port}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    io.close();
    process.exit(0);
  });
}
