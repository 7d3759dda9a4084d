// Decodes camera frames off the page's thread, with the vendored jsQR.
importScripts("/static/web/vendor/jsQR.js");

self.onmessage = (event) => {
  const { width, height, pixels } = event.data;
  const found = self.jsQR(new Uint8ClampedArray(pixels), width, height, {
    inversionAttempts: "attemptBoth",
  });
  self.postMessage(found ? found.data : null);
};
