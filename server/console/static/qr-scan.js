// Progressive enhancement of the verification page: scan the document's QR code with the
// camera where the browser can (BarcodeDetector), and check it. Without it the form works as is.
(function () {
  "use strict";
  var button = document.getElementById("scan");
  var form = document.getElementById("verify-form");
  var input = document.getElementById("kode");
  var box = document.getElementById("scanner");
  var video = document.getElementById("camera");
  if (!button || !form || !input || !box || !video) return;
  var canScan = "BarcodeDetector" in window && navigator.mediaDevices &&
    typeof navigator.mediaDevices.getUserMedia === "function";
  if (!canScan) return;
  button.hidden = false;
  var stream = null;
  var timer = null;

  function stop() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    box.hidden = true;
    button.textContent = button.dataset.start;
  }

  function unavailable() {
    stop();
    button.hidden = true;
    document.getElementById("scan-unavailable").hidden = false;
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    var detector;
    try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); }
    catch (e) { unavailable(); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        box.hidden = false;
        button.textContent = button.dataset.stop;
        return video.play();
      })
      .then(function look() {
        if (!stream) return;
        detector.detect(video).then(function (codes) {
          if (codes.length && codes[0].rawValue) {
            input.value = codes[0].rawValue;
            stop();
            form.submit();
          } else {
            timer = setTimeout(look, 250);
          }
        }, function () { timer = setTimeout(look, 500); });
      })
      .catch(unavailable);
  });
})();
