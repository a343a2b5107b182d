/**
 * What `--help` prints, for the whole command and for each command. docs/cli.md says the same at
 * length; a command added here belongs there too.
 */
export const COMMAND_HELP = {
  'dry-run': `switchboard dry-run --request FILE --customer FILE [--now ISO] [--templates DIR] [--priors FILE] [--json]

  What would happen to a send request for a customer record: the real decision and rendering,
  on in-memory stores; sends nothing and needs no running system.

  --request FILE     the send request (JSON)
  --customer FILE    the customer record (JSON, as the customers table holds it)
  --now ISO          decide at this instant instead of now, e.g. 2026-11-23T16:00:00Z
  --templates DIR    the templates folder to render from (default: templates)
  --priors FILE      decide with these learned priors (JSON, as the refresher stores them)
  --json             the report as JSON: { status, channels, decision, rendered, problems, ... }

  exit 0  decided: SENT, DEFERRED, SUPPRESSED, EXPIRED
       1  the request would be REJECTED, RENDER_FAILED or FAILED; or a file is missing or broken`,

  send: `switchboard send FILE|- [--wait] [--timeout SECONDS]

  Checks a send request, or an array of them, and queues them: on the running local system
  (npm start), or on the deployed queue when SWITCHBOARD_QUEUE_URL is set. Before anything is
  queued, every request is checked as the orchestrator would: the contract; against the local
  build's template bundle (TEMPLATE_BUNDLE_PATH, else dist/) the template, the data.* variables
  it declares, the category and the topic; on the local system, that the customer exists. Any
  problem is listed with its path, and nothing is queued.

  -                  read standard input
  --wait             wait for each request's outcome (any status but ACCEPTED; a DEFERRED one
                     ends the wait) and print it as status does; a deployed queue needs
                     DELIVERIES_TABLE as well
  --timeout SECONDS  how long --wait waits (default 30, at most 3600)

  exit 0  queued (with --wait: every request decided, none REJECTED or failed)
       1  a problem: nothing queued; or, with --wait, a request ended REJECTED or failed
       3  with --wait: queued, but not every request was decided within --timeout`,

  status: `switchboard status <requestId> [--json]

  One request's delivery record, as GET /requests/{requestId} answers it: status, why that
  channel (or why none, or why later), timeline, attempts, deferral and escalation. Reads the
  running local system, or the deployed table when DELIVERIES_TABLE is set.

  --json             the record in the history API's shape

  exit 0  the record was found
       1  no record for this request id, an invalid id, or nothing to read from`,

  history: `switchboard history <customerId> [--json] [--limit N]

  Every message sent to a customer, newest first, with the reasons that weighed most in each
  channel choice and the consent decisions between them. Reads the running local system, or the
  deployed tables when DELIVERIES_TABLE (and, for consent, CUSTOMERS_TABLE) are set.

  --json             the page in the history API's shape
  --limit N          how many messages, 1 to 100 (default 20)

  exit 0  read (also when there is nothing to show)
       1  bad arguments, or nothing to read from`,

  priors: `switchboard priors [--json]

  What the system has learned: the priors the refresher last stored (hourly, from recent
  delivery records), which every channel choice starts from. When they were learned and from how
  many messages, then per channel the learned rate with its evidence, per channel x moment, and
  per channel x stated first preference. With none stored, the configured priors decide, and are
  shown. Reads the running local system, or the deployed counters table when COUNTERS_TABLE
  is set.

  --json             the priors exactly as stored, for dry-run --priors FILE; null when none

  exit 0  read (also when nothing has been learned yet)
       1  the stored priors are not valid (every problem listed), bad arguments, or nothing to
          read from`,

  customers: `switchboard customers get <customerId>
switchboard customers put <customerId> FILE|- [--json]
switchboard customers consent <customerId> FILE|- [--json]
switchboard customers consent <customerId> --channel C --topic T --opt-in|--opt-out [--at ISO] [--source S] [--json]

  Reads a customer record, replaces its profile, or records consent, with the service API's own
  validation (every problem listed) and writes; on the running local system, or on the deployed
  customers table when CUSTOMERS_TABLE is set. docs/customer-record.md describes the record.

  --channel C        push, sms, email or in_app
  --topic T          a topic of templates/topics.json, or * for every topic
  --opt-in, --opt-out
  --at ISO           when the customer decided (default: now)
  --source S         who recorded it; stored as api:S (default: cli)
  --json             the API's answer as JSON

  exit 0  done
       1  invalid input (every problem listed), an unknown customer, or nothing to connect to`,

  templates: `switchboard templates check [--templates DIR]
switchboard templates preview [templateId] [--templates DIR] [--port N]

  check     parses and checks every template (topics, declared variables, SMS segments, push
            bytes, MJML), one problem per line
  preview   serves every template x channel x locale rendered from its sample data, and
            reloads the page on edits; Ctrl-C stops it

  --templates DIR    the templates folder (default: templates)
  --port N           the preview's port (default: a free one)

  exit 0  check: no problems; preview: stopped with Ctrl-C
       1  check: at least one problem; bad arguments`,

  simulate: `switchboard simulate [--population FILE] [--json] [--out DIR]

  Runs a simulated retailer: customers whose true engagement per channel no policy can see,
  and their send requests, day by day. Switchboard's decision (learning from the outcomes of
  its own messages) and four other policies (fixed-order, engagement-ratio, random, and an
  oracle that knows the truth) each handle the same requests; prints, per policy, messages
  sent, engagements, engagement rate, fees, cost per engagement, share of the oracle's
  engagements, channel mix, and how the engagement rate changed over the days. Uses the
  shipped templates and the default decision config; needs no running system.

  --population FILE  the population (JSON, or - for standard input; default: the shipped
                     simulate/retailer.json)
  --json             the report as JSON: { population, policies }; the same on every run
  --out DIR          also write DIR/report.html (tables and charts, one file, works offline)
                     and DIR/report.json; DIR is created

  exit 0  simulated
       1  the population is missing, not JSON, or invalid (every problem listed); bad
          arguments; DIR cannot be written`,

  smoke: `switchboard smoke [--email ADDRESS] [--phone E164] [--push-token TOKEN [--push-platform P]]
                 [--customer-id ID] [--file FILE] [--timeout SECONDS] [--json]

  After a deploy: gives the smoke customer the addresses named, with consent for transactional
  messages, sends one order-shipped message per channel restricted to that channel, and checks
  each arrived: email DELIVERED, SMS and push SENT, in-app SENT with the item in the inbox.
  In-app needs no address and is always checked; a channel without an address is skipped.
  Uses the running local system (npm start), or a deployed stack when SWITCHBOARD_QUEUE_URL,
  DELIVERIES_TABLE, CUSTOMERS_TABLE and INBOX_TABLE are set.

  --email ADDRESS    check email to this address
  --phone E164       check SMS to this number, e.g. +4915112345678
  --push-token TOKEN check push to this device token
  --push-platform P  APNS (default), APNS_SANDBOX or GCM
  --customer-id ID   the customer whose record is written (default: smoke-test)
  --file FILE        the same as JSON: { email, phone, pushToken, pushPlatform, customerId };
                     a flag given as well wins
  --timeout SECONDS  how long to wait for every channel (default 120, at most 3600)
  --json             the steps and results as JSON

  exit 0  every channel checked arrived
       1  bad arguments or input, no template bundle, nothing to connect to, or the customer
          record was refused
       4  a channel did not arrive; each is named with its likely cause`,
} as const;

export type CommandName = keyof typeof COMMAND_HELP;

export const USAGE = `switchboard <command> [options]

  dry-run            what would happen to a send request for a customer record; sends nothing
  send               checks send requests, then queues them; --wait prints each outcome
  status             one request's delivery record, and why
  history            every message sent to a customer, and why
  priors             what the system has learned about each channel
  customers          read a customer record, replace its profile, record consent
  templates check    parse and check every template
  templates preview  every template x channel x locale, rendered; reloads on edits
  simulate           Switchboard's channel choice against other policies, simulated
  smoke              after a deploy: one message per channel, and a check that each arrived

  switchboard <command> --help   one command's options and exit codes
  switchboard --version          the version

Commands that read or write data use the running local system (npm start), or a deployed stack
when SWITCHBOARD_QUEUE_URL, DELIVERIES_TABLE, CUSTOMERS_TABLE or COUNTERS_TABLE is set with the
usual AWS settings. Every command, flag and exit code: docs/cli.md.`;
