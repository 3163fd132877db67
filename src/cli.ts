import { VERSION } from './version.js';
console.log(VERSION);
