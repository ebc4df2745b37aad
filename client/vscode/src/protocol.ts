// The leancache.v1 messages as the extension sees them (proto-loader with longs as strings,
// enums as strings, defaults filled in). Only the fields the extension uses are typed.

export type Problem =
  | 'PROBLEM_NONE'
  | 'PROBLEM_NOT_IN_PROJECT'
  | 'PROBLEM_PARSE_ERROR'
  | 'PROBLEM_MISSING_IMPORT'
  | 'PROBLEM_TOOLCHAIN_MISMATCH'
  | 'PROBLEM_NOT_CACHED'
  | 'PROBLEM_STALE';

export type RemoteState = 'REMOTE_UNKNOWN' | 'REMOTE_PRESENT' | 'REMOTE_MISSING';

export interface FileState {
  path: string;
  module: string;
  key: string;        // fixed64 as a decimal string
  hash16: string;
  archive_local: boolean;
  unpacked: boolean;
  remote: RemoteState;
  problem: Problem;
  reason: string;
}

export interface FileStatusReply {
  files: FileState[];
  root_hash: string;
}

export interface Progress {
  phase: string;
  files_done: string;
  files_total: string;
  files_ok: string;
  files_failed: string;
  bytes_done: string;
  bytes_total: string;
  bytes_per_second: number;
  unpacked: string;
  unpack_failed: string;
}

export interface WatchEvent {
  kind: 'file' | 'progress' | 'ready';
  file?: FileState;
  progress?: Progress;
  ready?: string;
}

export interface Message {
  stream: 'STDOUT' | 'STDERR';
  text: string;
}

export interface Event {
  kind: 'message' | 'progress' | 'hash' | 'lookup' | 'done';
  message?: Message;
  progress?: Progress;
  done?: { exit_code: number; summary_json: string };
}
