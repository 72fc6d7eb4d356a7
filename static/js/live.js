// The live page: the htmx websocket extension swaps in what the server pushes; this file
// adds what htmx cannot do. Progressive enhancement only: without it the page shows the
// state as it was loaded, and a refresh shows it anew.
(() => {
  "use strict";

  // Reconnect from the last event shown, not from the one the page was loaded at.
  const lastSeq = () => {
    const seq = document.getElementById("live-seq");
    return seq ? seq.dataset.seq : null;
  };
  htmx.createWebSocket = (address) => {
    const url = new URL(address, window.location.href);
    const seq = lastSeq();
    if (seq !== null) {
      url.searchParams.set("since", seq);
    }
    return new WebSocket(url.toString());
  };

  // A resent video panel with the same source would restart the video: keep the playing one.
  document.addEventListener("htmx:oobBeforeSwap", (event) => {
    const target = event.detail.target;
    if (target.id !== "live-video") {
      return;
    }
    const incoming = event.detail.fragment.querySelector("#live-video");
    if (incoming && incoming.dataset.source === target.dataset.source) {
      event.detail.shouldSwap = false;
    }
  });

  // hls.js where the browser has MediaSource; Safari plays HLS itself.
  const attachStream = (video) => {
    const source = video.dataset.hls;
    if (window.Hls && window.Hls.isSupported()) {
      // No worker: the Content-Security-Policy allows no blob: scripts.
      const player = new window.Hls({ enableWorker: false });
      player.loadSource(source);
      player.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = source;
    }
  };

  // A third party's player sets its cookies: it loads only when the visitor asks.
  const offerEmbed = (box) => {
    const button = box.querySelector(".live-video__load");
    button.hidden = false;
    button.addEventListener("click", () => {
      const frame = document.createElement("iframe");
      frame.src = box.dataset.embed;
      frame.title = box.dataset.title;
      frame.allow = "autoplay; fullscreen; picture-in-picture";
      frame.allowFullscreen = true;
      frame.tabIndex = 0;
      box.replaceChildren(frame);
      frame.focus();
    });
  };

  htmx.onLoad((root) => {
    root.querySelectorAll("video[data-hls]").forEach(attachStream);
    root.querySelectorAll(".live-video__embed[data-embed]").forEach(offerEmbed);
  });

  // The speaker's time, counted up each second from when the chair gave the floor.
  const pad = (value) => String(value).padStart(2, "0");
  const tick = () => {
    document.querySelectorAll(".live-speaker__elapsed[data-since]").forEach((clock) => {
      const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(clock.dataset.since)) / 1000));
      clock.textContent = `${Math.floor(seconds / 60)}:${pad(seconds % 60)}`;
      const limit = Number(clock.dataset.limit || 0);
      clock.classList.toggle("live-speaker__elapsed--over", limit > 0 && seconds > limit);
    });
  };
  tick();
  window.setInterval(tick, 1000);
})();
