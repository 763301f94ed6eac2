// A server-sent events parser (the WHATWG "event stream interpretation"), for streams read with fetch():
// EventSource cannot send an Authorization header.

/**
 * Feeds text chunks in, calls onEvent({ type, data, id }) per complete event and onComment(text) per comment line.
 * Lines may end in CRLF, LF or CR, and a chunk may end anywhere, even between CR and LF.
 */
export function createSseParser({ onEvent, onComment, onRetry }) {
  let buffer = ''; // an unfinished line
  let type = '';
  let data = [];
  let lastId = '';

  function line(text) {
    if (text === '') {
      if (data.length > 0) {
        onEvent({ type: type || 'message', data: data.join('\n'), id: lastId });
      }
      type = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) {
      onComment?.(text.slice(1).trimStart());
      return;
    }
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event': type = value; break;
      case 'data': data.push(value); break;
      case 'id': if (!value.includes('\0')) lastId = value; break;
      case 'retry': if (/^\d+$/.test(value)) onRetry?.(Number(value)); break;
      default: break; // unknown fields are ignored, as the spec says
    }
  }

  let afterCr = false; // the last chunk ended in CR: an LF opening the next one belongs to it

  return {
    push(chunk) {
      let i = afterCr && chunk.startsWith('\n') ? 1 : 0;
      afterCr = false;
      let start = i;
      for (; i < chunk.length; i++) {
        const c = chunk[i];
        if (c !== '\n' && c !== '\r') continue;
        line(buffer + chunk.slice(start, i));
        buffer = '';
        if (c === '\r') {
          if (i + 1 === chunk.length) afterCr = true;
          else if (chunk[i + 1] === '\n') i++;
        }
        start = i + 1;
      }
      buffer += chunk.slice(start);
    },
  };
}
