// Example pm2 process file for the Tether Discord bot (README, "Running the Discord bot").
//   pm2 start deploy/ecosystem.config.cjs     (from the project folder, after `npm ci`; settings in .env)
//   pm2 logs tether
const path = require('node:path');

module.exports = {
  apps: [
    {
      name: 'tether',
      cwd: path.join(__dirname, '..'),
      // Node itself, not npm: pm2's stop signal reaches the bot, which lets answers in
      // progress finish (up to 10 s), disconnects, flushes its logs and exits 0.
      script: 'node',
      args: 'bin/run.mjs start',
      interpreter: 'none',
      exec_mode: 'fork',
      instances: 1,
      // pm2 sends SIGINT, then SIGKILL after kill_timeout: room for the 10 s drain.
      kill_timeout: 15000,
      // Signal the main process only: with SHARDS set it stops its shard processes itself.
      treekill: false,
      autorestart: true,
      restart_delay: 5000,
      // 0: stopped on request. 78: Discord closed the gateway for good (token reset or revoked, intent not
      // enabled); restarting cannot help, the log says what to fix.
      stop_exit_codes: [0, 78],
    },
  ],
};
