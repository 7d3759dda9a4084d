// Reads an EPCIS document (JSON) on standard input and writes, one per line, the event hash
// GS1's epcis2.js computes for each event of its eventList (or "error: …" when it refuses one).
const { eventToHashedId } = require('epcis2.js');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const document = JSON.parse(input);
  for (const event of document.epcisBody.eventList) {
    try {
      process.stdout.write(`${eventToHashedId(event, document['@context'])}\n`);
    } catch (error) {
      process.stdout.write(`error: ${error.message}\n`);
    }
  }
});
