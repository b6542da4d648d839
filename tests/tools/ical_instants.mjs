// Reads an iCalendar file on stdin and prints, as JSON, each VEVENT's UID with the UTC instants
// of its start and end as Mozilla's ical.js (the parser of Thunderbird's calendar) reads them.
// The file's own VTIMEZONE blocks are the only zone data ical.js has, as in a calendar client.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const calendar = new ICAL.Component(ICAL.parse(Buffer.concat(chunks).toString("utf8")));

for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
}

const utc = (time) => time.toJSDate().toISOString().replace(".000Z", "Z");
const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  // An alarm's moment: a TRIGGER is a duration before the start, or a moment of its own.
  const alarms = vevent.getAllSubcomponents("valarm").map((alarm) => {
    const trigger = alarm.getFirstPropertyValue("trigger");
    if (!(trigger instanceof ICAL.Duration)) return utc(trigger);
    const moment = event.startDate.clone();
    moment.addDuration(trigger);
    return utc(moment);
  });
  return {
    uid: event.uid,
    start: utc(event.startDate),
    end: utc(event.endDate),
    zone: event.startDate.zone ? event.startDate.zone.tzid : null,
    alarms,
  };
});
process.stdout.write(JSON.stringify(events));
