// Reads an iCalendar file on stdin with Mozilla's ical.js (Thunderbird's parser) and prints
// JSON: every VEVENT's UID, SEQUENCE, STATUS and DTSTART/DTEND as UTC instants.
// Time zones come only from the file's own VTIMEZONEs (ical.js knows no zone by itself),
// so a VTIMEZONE that ical.js misreads gives a wrong instant here.
import ICAL from "ical.js";

let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;

const root = new ICAL.Component(ICAL.parse(text));
for (const vtz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
}

function utc(prop) {
  const time = prop.getFirstValue();
  const tzid = prop.getParameter("tzid");
  if (tzid) {
    const zone = ICAL.TimezoneService.get(tzid);
    if (!zone) throw new Error(`no VTIMEZONE for TZID ${tzid}`);
    time.zone = zone;
  } else if (!time.isDate && time.zone !== ICAL.Timezone.utcTimezone) {
    throw new Error(`floating time ${time.toString()}`);
  }
  return time.toJSDate().toISOString().replace(".000Z", "Z");
}

const events = root.getAllSubcomponents("vevent").map((vevent) => ({
  uid: vevent.getFirstPropertyValue("uid"),
  sequence: vevent.getFirstPropertyValue("sequence"),
  status: vevent.getFirstPropertyValue("status"),
  start: utc(vevent.getFirstProperty("dtstart")),
  end: utc(vevent.getFirstProperty("dtend")),
}));
process.stdout.write(JSON.stringify({
  method: root.getFirstPropertyValue("method"),
  timezones: root.getAllSubcomponents("vtimezone").map((tz) => tz.getFirstPropertyValue("tzid")),
  events,
}));
