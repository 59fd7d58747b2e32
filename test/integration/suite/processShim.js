export const process = require('process/browser.js');
