/* Loa Làng sandbox: a messenger-like page over the fake Bot API's control API.
 * Every word shown comes from the server's `labels`; message text is only ever set with textContent. */
(() => {
  'use strict';

  const LANG_KEY = 'loalang-sandbox-lang';
  const POLL_MS = 700;
  const CLOCK_MS = 5000;
  const TOAST_MS = 3000;
  const ANSWER_POLL_MS = 150;
  const ANSWER_WAIT_MS = 3000;
  const NARROW = window.matchMedia('(max-width: 699px)');

  const state = {
    lang: 'vi',
    timezone: 'Asia/Ho_Chi_Minh', // the center's, sent by the server
    labels: {},
    bot: null,
    hint: '',
    hintClosed: false,
    chats: [], // the sandbox's cast, in the order to show
    chatById: new Map(),
    people: new Map(), // user_id -> {name, role}
    counts: new Map(), // chat_id -> number of messages (from /_control/chats)
    seen: new Map(), // chat_id -> how many of them the trainer has seen
    migrated: new Map(), // chat_id -> the supergroup it became
    speakers: new Map(), // group chat_id -> chosen user_id
    openChatId: null,
    view: 'list',
    messages: [],
    byId: new Map(), // message_id -> message of the open chat
    rendered: new Map(), // key -> {sig, el}
    renderedFor: '',
    lastMessageId: null,
    stick: true,
    clock: null,
    pollError: '',
    ready: false,
  };

  const $ = (id) => document.getElementById(id);

  /* ------------------------------------------------------------------ labels */

  function L(key) {
    const value = state.labels ? state.labels[key] : undefined;
    return typeof value === 'string' && value !== '' ? value : key;
  }

  function applyLabels() {
    document.documentElement.lang = state.lang;
    document.title = L('title');
    for (const node of document.querySelectorAll('[data-label]')) node.textContent = L(node.dataset.label);
    for (const node of document.querySelectorAll('[data-label-title]')) node.title = L(node.dataset.labelTitle);
    for (const node of document.querySelectorAll('[data-label-aria]')) node.setAttribute('aria-label', L(node.dataset.labelAria));
    for (const node of document.querySelectorAll('[data-label-placeholder]')) node.placeholder = L(node.dataset.labelPlaceholder);
  }

  /* -------------------------------------------------------------------- DOM */

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /* -------------------------------------------------------------------- API */

  class ApiError extends Error {}

  async function api(path, body) {
    const options = body === undefined
      ? { headers: { Accept: 'application/json' }, cache: 'no-store' }
      : {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify(body),
        };
    const response = await fetch(path, options);
    const raw = await response.text();
    let data = null;
    if (raw) {
      try {
        data = JSON.parse(raw);
      } catch (_) {
        data = null;
      }
    }
    if (!response.ok) {
      const message = data && typeof data === 'object' && data.error ? data.error : `${response.status} ${response.statusText}`;
      throw new ApiError(String(message));
    }
    return data;
  }

  function errorText(error) {
    return error && error.message ? error.message : String(error);
  }

  function showError(error) {
    showToast(errorText(error));
  }

  /* ------------------------------------------------------------ toast, alert */

  let toastTimer = null;

  function showToast(text, ms = TOAST_MS) {
    const toast = $('toast');
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      toast.hidden = true;
    }, ms);
  }

  function openDialog(dialog) {
    if (dialog.open) dialog.close();
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
  }

  function closeDialog(dialog) {
    if (typeof dialog.close === 'function') dialog.close();
    else dialog.removeAttribute('open');
  }

  function showAlert(text) {
    $('toast').hidden = true;
    $('alert-text').textContent = text;
    openDialog($('alert-dialog'));
  }

  /* -------------------------------------------------------------- language */

  function storedLang() {
    try {
      const saved = window.localStorage.getItem(LANG_KEY);
      if (saved === 'vi' || saved === 'en') return saved;
    } catch (_) {
      /* storage may be unavailable */
    }
    return null;
  }

  function initialLang() {
    const saved = storedLang();
    if (saved) return saved;
    const browser = String(navigator.language || '').toLowerCase();
    return browser.startsWith('en') ? 'en' : 'vi';
  }

  async function switchLanguage(event) {
    event.preventDefault();
    const lang = state.lang === 'en' ? 'vi' : 'en';
    try {
      window.localStorage.setItem(LANG_KEY, lang);
    } catch (_) {
      /* ignore */
    }
    try {
      await loadSandbox(lang);
      refreshClock().catch(showError);
    } catch (error) {
      showError(error);
    }
  }

  /* --------------------------------------------------------- sandbox & chats */

  async function loadSandbox(lang) {
    const data = await api('/_control/sandbox?lang=' + encodeURIComponent(lang));
    state.lang = data && (data.lang === 'en' || data.lang === 'vi') ? data.lang : lang;
    state.labels = (data && data.labels) || {};
    state.bot = (data && data.bot) || null;
    state.timezone = (data && data.timezone) || 'Asia/Ho_Chi_Minh';
    state.hint = (data && data.hint) || '';
    state.chats = Array.isArray(data && data.chats) ? data.chats : [];
    state.chatById = new Map(state.chats.map((chat) => [Number(chat.chat_id), chat]));
    state.people = new Map();
    for (const chat of state.chats) {
      for (const member of chat.members || []) {
        const known = state.people.get(member.user_id);
        if (!known || (!known.role && member.role)) state.people.set(member.user_id, { name: member.name, role: member.role || '' });
      }
    }
    applyLabels();
    renderHint();
    renderChatList();
    if (state.openChatId !== null && state.chatById.has(state.openChatId)) {
      renderHeader();
      state.renderedFor = ''; // redraw the messages in the new language
      renderMessages(state.messages);
    }
    state.ready = true;
  }

  function renderHint() {
    const bar = $('hint-bar');
    $('hint').textContent = state.hint;
    bar.hidden = !state.hint || state.hintClosed;
  }

  function isGroup(chat) {
    return Boolean(chat) && chat.kind !== 'private' && chat.kind !== 'zalo';
  }

  /** A Zalo person's chat with the bot: typed only (no buttons, files or forwards), drawn in Zalo's colours. */
  function isZalo(chat) {
    return Boolean(chat) && chat.kind === 'zalo';
  }

  function initialOf(text, group) {
    const words = String(text || '').normalize('NFC').trim().split(/\s+/).filter(Boolean);
    if (!words.length) return '?';
    // A Vietnamese person is called by the last word of their name; a group by its first letter.
    const word = group ? words[0] : words[words.length - 1];
    const first = Array.from(word)[0] || '?';
    return first.toLocaleUpperCase();
  }

  function colourIndex(id) {
    const n = Math.abs(Number(id) || 0);
    return n % 6;
  }

  function avatarFor(chat, node) {
    const avatar = node || el('span', 'avatar');
    avatar.className = `avatar c${colourIndex(chat.chat_id)}${isGroup(chat) ? ' group' : ''}`;
    avatar.textContent = initialOf(chat.title, isGroup(chat));
    avatar.setAttribute('aria-hidden', 'true');
    return avatar;
  }

  function renderChatList() {
    const list = $('chat-list');
    list.replaceChildren();
    for (const chat of state.chats) {
      const item = el('li');
      const button = el('button', 'chat-item');
      button.type = 'button';
      button.dataset.chatId = String(chat.chat_id);
      const texts = el('span', 'chat-texts');
      // The subtitle is drawn from an attribute (CSS attr(), never parsed as HTML) so that an item's text is
      // its title alone: "Thôn Thượng" then finds the village's group, not its head ("Trưởng thôn: Thôn Thượng").
      const subtitle = el('span', 'chat-subtitle');
      subtitle.dataset.subtitle = chat.subtitle || '';
      subtitle.title = chat.subtitle || '';
      texts.append(el('span', 'chat-title', chat.title || ''), subtitle);
      const badge = el('span', 'badge');
      badge.hidden = true;
      button.append(avatarFor(chat), texts);
      if (isZalo(chat)) {
        button.classList.add('zalo');
        button.append(el('span', 'zalo-tag', L('zalo')));
      }
      button.append(badge);
      button.addEventListener('click', () => openChat(chat.chat_id));
      item.append(button);
      list.append(item);
    }
    markActive();
    updateBadges();
  }

  function markActive() {
    for (const item of document.querySelectorAll('.chat-item')) {
      const active = state.openChatId !== null && Number(item.dataset.chatId) === state.openChatId;
      item.classList.toggle('active', active);
      if (active) item.setAttribute('aria-current', 'true');
      else item.removeAttribute('aria-current');
    }
  }

  /** The chat a cast chat lives in now (a group the bot upgraded becomes a supergroup with a new id). */
  function liveChatId(chatId) {
    let id = Number(chatId);
    const visited = new Set();
    while (state.migrated.has(id) && !visited.has(id)) {
      visited.add(id);
      id = state.migrated.get(id);
    }
    return id;
  }

  function countOf(chatId) {
    return state.counts.get(liveChatId(chatId)) || 0;
  }

  function updateBadges() {
    for (const item of document.querySelectorAll('.chat-item')) {
      const chatId = Number(item.dataset.chatId);
      const count = countOf(chatId);
      if (chatId === state.openChatId) state.seen.set(chatId, Math.max(count, state.seen.get(chatId) || 0));
      const unread = Math.max(0, count - (state.seen.get(chatId) || 0));
      const badge = item.querySelector('.badge');
      badge.textContent = unread > 99 ? '99+' : String(unread);
      badge.hidden = unread === 0;
    }
  }

  async function refreshChats() {
    const zaloShown = state.chats.some(isZalo);
    const [telegramList, zaloList] = await Promise.all([
      api('/_control/chats'), zaloShown ? api('/_control/zalo/chats') : Promise.resolve([]),
    ]);
    if (!Array.isArray(telegramList)) return;
    const list = telegramList.concat(Array.isArray(zaloList) ? zaloList : []);
    const counts = new Map();
    for (const chat of list) {
      const id = Number(chat.id);
      counts.set(id, Number(chat.messages) || 0);
      if (chat.migrated_to !== undefined && chat.migrated_to !== null) state.migrated.set(id, Number(chat.migrated_to));
    }
    const total = Array.from(counts.values()).reduce((sum, n) => sum + n, 0);
    const moved = state.total !== undefined && total !== state.total;
    state.total = total;
    state.counts = counts;
    updateBadges();
    if (moved) refreshClock().catch(() => {}); // something happened: the next step may have changed
  }

  /* ---------------------------------------------------------------- speaker */

  function openChatInfo() {
    return state.openChatId === null ? null : state.chatById.get(state.openChatId) || null;
  }

  function currentSpeaker() {
    const chat = openChatInfo();
    if (!chat) return null;
    const members = chat.members || [];
    if (!isGroup(chat)) return members.length ? members[0].user_id : chat.chat_id;
    const chosen = state.speakers.get(chat.chat_id);
    if (chosen !== undefined && members.some((m) => m.user_id === chosen)) return chosen;
    return members.length ? members[0].user_id : null;
  }

  function renderSpeaker() {
    const chat = openChatInfo();
    const bar = $('speaker-bar');
    const select = $('speaker');
    if (!chat || !isGroup(chat)) {
      bar.hidden = true;
      select.replaceChildren();
      return;
    }
    const speaker = currentSpeaker();
    select.replaceChildren();
    for (const member of chat.members || []) {
      const option = el('option', '', member.name);
      option.value = String(member.user_id);
      option.selected = member.user_id === speaker;
      select.append(option);
    }
    bar.hidden = false;
  }

  /* ------------------------------------------------------------ conversation */

  function renderHeader() {
    const chat = openChatInfo();
    const disabled = !chat;
    $('composer-text').disabled = disabled;
    $('composer-send').disabled = disabled;
    $('composer-attach').disabled = disabled || isZalo(chat); // Zalo carries no files to a bot
    $('app').classList.toggle('on-zalo', isZalo(chat));
    if (!chat) {
      $('conversation-title').textContent = '';
      $('conversation-subtitle').textContent = '';
      $('conv-avatar').hidden = true;
      renderSpeaker();
      return;
    }
    $('conversation-title').textContent = chat.title || '';
    $('conversation-subtitle').textContent = chat.subtitle || '';
    $('conv-avatar').hidden = false;
    avatarFor(chat, $('conv-avatar'));
    renderSpeaker();
  }

  function setView(view) {
    state.view = view;
    const app = $('app');
    app.classList.toggle('view-list', view === 'list');
    app.classList.toggle('view-chat', view === 'chat');
    document.body.classList.toggle('view-chat', view === 'chat');
  }

  function resetMessages() {
    state.messages = [];
    state.byId = new Map();
    state.rendered = new Map();
    state.renderedFor = '';
    state.lastMessageId = null;
    state.stick = true;
    $('messages').replaceChildren();
    delete $('messages').dataset.chatId;
  }

  function openChat(chatId, options = {}) {
    const id = Number(chatId);
    const chat = state.chatById.get(id);
    if (!chat) return;
    const changed = state.openChatId !== id;
    if (changed) {
      state.openChatId = id;
      resetMessages();
      $('composer-text').value = '';
    }
    renderHeader();
    markActive();
    updateBadges();
    if (NARROW.matches && state.view !== 'chat') {
      try {
        history.pushState({ sandboxChat: id }, '');
      } catch (_) {
        /* ignore */
      }
    }
    setView('chat');
    if (changed) refreshNow();
    if (options.focus !== false && !NARROW.matches) $('composer-text').focus({ preventScroll: true });
  }

  function showList() {
    state.openChatId = null;
    resetMessages();
    renderHeader();
    markActive();
    setView('list');
  }

  function goBack() {
    if (history.state && history.state.sandboxChat !== undefined) history.back();
    else showList();
  }

  /* --------------------------------------------------------- time and names */

  const timeFormat = new Intl.DateTimeFormat('en-GB', {
    timeZone: state.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  });
  const dayFormat = new Intl.DateTimeFormat('en-GB', {
    timeZone: state.timezone, year: 'numeric', month: '2-digit', day: '2-digit',
  });

  function parts(format, unix) {
    const out = {};
    for (const part of format.formatToParts(new Date(Number(unix) * 1000))) out[part.type] = part.value;
    return out;
  }

  function hhmm(unix) {
    const p = parts(timeFormat, unix);
    return `${String(p.hour).padStart(2, '0').replace(/^24$/, '00')}:${String(p.minute).padStart(2, '0')}`;
  }

  function dayOf(unix) {
    const p = parts(dayFormat, unix);
    return { key: `${p.year}-${p.month}-${p.day}`, shown: `${p.day}/${p.month}/${p.year}` };
  }

  function isBotUser(user) {
    return Boolean(user) && (user.is_bot || (state.bot && Number(user.id) === Number(state.bot.id)));
  }

  function nameOf(user) {
    if (!user) return '';
    if (state.bot && Number(user.id) === Number(state.bot.id) && state.bot.name) return state.bot.name;
    const known = state.people.get(user.id);
    if (known && known.name) return known.name;
    // The sandbox writes Vietnamese names family name first.
    return [user.last_name, user.first_name].filter(Boolean).join(' ') || user.username || String(user.id);
  }

  function roleOf(user) {
    if (!user) return '';
    const known = state.people.get(user.id);
    return known ? known.role || '' : '';
  }

  function originName(message) {
    const origin = message.forward_origin;
    if (origin) {
      if (origin.type === 'user') return nameOf(origin.sender_user);
      if (origin.type === 'hidden_user') return origin.sender_user_name || '';
      if (origin.type === 'chat') return (origin.sender_chat && origin.sender_chat.title) || '';
      if (origin.type === 'channel') return (origin.chat && origin.chat.title) || '';
      return '';
    }
    if (message.forward_from) return nameOf(message.forward_from);
    if (message.forward_sender_name) return message.forward_sender_name;
    if (message.forward_from_chat) return message.forward_from_chat.title || '';
    return null;
  }

  function formatSize(bytes) {
    const n = Number(bytes);
    if (!Number.isFinite(n) || n < 0) return '';
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
    return `${(n / 1024 / 1024).toFixed(1)} MB`;
  }

  /* ---------------------------------------------------------------- entities */

  const SAFE_LINK = /^(https?:|tg:|mailto:)/i;

  function entityNode(entity) {
    switch (entity.type) {
      case 'bold': return el('strong');
      case 'italic': return el('em');
      case 'underline': return el('u');
      case 'strikethrough': return el('s');
      case 'code': return el('code');
      case 'pre': {
        const pre = el('pre');
        if (entity.language) pre.dataset.language = String(entity.language);
        return pre;
      }
      case 'blockquote':
      case 'expandable_blockquote':
        return el('blockquote');
      case 'spoiler': return el('span', 'spoiler');
      case 'text_link': {
        const url = String(entity.url || '');
        if (!SAFE_LINK.test(url)) return el('span');
        const link = el('a');
        link.href = url;
        link.target = '_blank';
        link.rel = 'noopener';
        return link;
      }
      default: return null; // url, mention, hashtag, bot_command…: plain text
    }
  }

  function appendFormatted(parent, text, entities, tappable) {
    const list = (Array.isArray(entities) ? entities : [])
      .filter((e) => e && Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0 && entityNode(e) !== null)
      .map((e) => ({ ...e, end: e.offset + e.length }))
      .sort(byPosition);
    build(parent, text, 0, text.length, list, tappable);
  }

  /* Links and /commands in plain text, found as Telegram's apps find them: a link opens (one to the bot starts
   * it, like a URL button), a /command tapped is sent by whoever is writing. On Zalo only links are tappable. */
  const TAPPABLE = /(https?:\/\/[^\s<>"]+|(?<![\w./@-])t\.me\/[^\s<>"]+)|(?<![\w/])(\/[a-zA-Z][a-zA-Z0-9_]{0,31}(?:@[a-zA-Z0-9_]{3,32})?)(?![\w/])/g;
  const TRAILING = /[.,;:!?)\]'"»”’]+$/;

  function appendTappable(parent, piece, tappable) {
    if (!tappable) {
      parent.append(piece);
      return;
    }
    let pos = 0;
    for (const found of piece.matchAll(TAPPABLE)) {
      let shown = found[0];
      if (found[1]) shown = shown.replace(TRAILING, ''); // "… https://t.me/x." ends the sentence, not the link
      if (found.index > pos) parent.append(piece.slice(pos, found.index));
      if (found[1]) {
        const link = el('a', 'text-url', shown);
        link.href = /^https?:/i.test(shown) ? shown : 'https://' + shown;
        link.target = '_blank';
        link.rel = 'noopener';
        parent.append(link);
      } else if (tappable === 'all') {
        const command = el('a', 'bot-command', shown);
        command.href = '#';
        command.dataset.command = shown;
        parent.append(command);
      } else {
        parent.append(shown);
      }
      pos = found.index + shown.length;
    }
    if (pos < piece.length) parent.append(piece.slice(pos));
  }

  function byPosition(a, b) {
    return a.offset - b.offset || b.end - a.end;
  }

  function build(parent, text, start, end, given, tappable) {
    const entities = given.slice();
    let pos = start;
    let i = 0;
    while (i < entities.length) {
      const entity = entities[i];
      const from = Math.max(entity.offset, pos);
      const to = Math.min(entity.end, end);
      if (to <= from) {
        i += 1;
        continue;
      }
      if (from > pos) appendTappable(parent, text.slice(pos, from), tappable);
      const inner = [];
      let j = i + 1;
      while (j < entities.length && entities[j].offset < to) {
        inner.push(entities[j]);
        j += 1;
      }
      // An entity that runs past this one (Telegram forbids it, but be kind) goes on after it.
      const rest = inner.filter((e) => e.end > to).map((e) => ({ ...e, offset: to }));
      if (rest.length) entities.splice(j, entities.length - j, ...entities.slice(j).concat(rest).sort(byPosition));
      const node = entityNode(entity);
      const inside = ['A', 'CODE', 'PRE'].includes(node.tagName) ? '' : tappable; // no link inside a link or code
      build(node, text, from, to, inner, inside);
      parent.append(node);
      pos = to;
      i = j;
    }
    if (pos < end) appendTappable(parent, text.slice(pos, end), tappable);
  }

  /* ---------------------------------------------------------------- messages */

  const CONTENT_KEYS = ['text', 'caption', 'photo', 'photo_url', 'document', 'sticker', 'video', 'animation', 'audio', 'voice', 'video_note', 'location', 'contact', 'venue', 'poll', 'dice'];

  function hasContent(message) {
    return CONTENT_KEYS.some((key) => message[key] !== undefined && message[key] !== null);
  }

  function serviceText(message) {
    if (Array.isArray(message.new_chat_members) && message.new_chat_members.length) {
      return '+ ' + message.new_chat_members.map(nameOf).join(', ');
    }
    if (message.left_chat_member) return '− ' + nameOf(message.left_chat_member);
    if (message.new_chat_title) return '✎ ' + message.new_chat_title;
    if (message.pinned_message) {
      const pinned = message.pinned_message;
      return '📌 ' + snippet(pinned);
    }
    if (message.group_chat_created || message.supergroup_chat_created) {
      return '✦ ' + ((message.chat && message.chat.title) || '');
    }
    return '';
  }

  function snippet(message) {
    if (!message) return '';
    const text = message.text || message.caption || '';
    if (message.photo) return text ? '📷 ' + text : '📷';
    if (message.document) return '📄 ' + (message.document.file_name || '') + (text ? ' ' + text : '');
    return text;
  }

  function largestPhoto(sizes) {
    let best = null;
    for (const size of sizes) {
      if (!size) continue;
      if (!best || (size.width || 0) * (size.height || 0) >= (best.width || 0) * (best.height || 0)) best = size;
    }
    return best;
  }

  function fileUrl(fileId) {
    return '/_control/files/' + encodeURIComponent(fileId);
  }

  function nameColour(id) {
    const colours = ['#2f6fae', '#2e7d5b', '#7a55b8', '#b2456a', '#2b8793', '#a86317'];
    return colours[Math.abs(Number(id) || 0) % colours.length];
  }

  function buildPhoto(message) {
    const size = largestPhoto(message.photo);
    if (!size || !size.file_id) return null;
    const box = el('div', 'photo-box');
    const img = el('img', 'photo');
    img.src = fileUrl(size.file_id);
    img.alt = '';
    img.decoding = 'async';
    if (size.width && size.height) {
      img.width = size.width;
      img.height = size.height;
    }
    img.addEventListener('load', () => {
      if (state.stick) scrollToBottom();
    });
    box.append(img);
    // Only a picture holding a QR code (a ticket, the check-in screen) offers to scan it; a chart just opens.
    holdsQr(size.file_id).then((qr) => {
      box.dataset.qr = qr ? 'yes' : 'no'; // known now (tests wait on it)
      if (qr) {
        img.title = L('scan');
        const chip = el('button', 'scan-chip', L('scan'));
        chip.type = 'button';
        chip.addEventListener('click', (event) => {
          event.stopPropagation();
          openScanDialog(message, img.src);
        });
        box.append(chip);
      } else {
        img.title = L('open_picture');
      }
    });
    img.addEventListener('click', async () => {
      if (await holdsQr(size.file_id)) openScanDialog(message, img.src);
      else window.open(img.src, '_blank', 'noopener');
    });
    return box;
  }

  const qrKnown = new Map(); // file_id -> Promise<boolean>: the fake decodes each picture once

  function holdsQr(fileId) {
    if (!qrKnown.has(fileId)) {
      const asked = api(fileUrl(fileId) + '/qr')
        .then((answer) => Boolean(answer && answer.qr))
        .catch(() => {
          qrKnown.delete(fileId); // ask again on the next drawing
          return false;
        });
      qrKnown.set(fileId, asked);
    }
    return qrKnown.get(fileId);
  }

  function buildFileLink(file, className, icon) {
    const link = el('a', className);
    link.href = fileUrl(file.file_id);
    const name = file.file_name || '';
    link.setAttribute('download', name);
    const texts = el('span', 'doc-texts');
    texts.append(el('span', 'doc-name', name || file.file_id));
    const size = formatSize(file.file_size);
    if (size) texts.append(el('span', 'doc-size', size));
    link.append(el('span', 'doc-icon', icon), texts);
    return link;
  }

  function buildOtherMedia(message) {
    const media = [
      ['video', '🎬'], ['animation', '🎞'], ['audio', '🎵'], ['voice', '🎤'], ['video_note', '🎥'],
    ];
    for (const [key, icon] of media) {
      if (message[key] && message[key].file_id) return buildFileLink(message[key], 'media-file', icon);
    }
    if (message.sticker) return el('div', 'message-text', message.sticker.emoji || '🏷');
    if (message.location) return el('div', 'message-text', `📍 ${message.location.latitude}, ${message.location.longitude}`);
    if (message.contact) {
      const c = message.contact;
      return el('div', 'message-text', `👤 ${[c.first_name, c.last_name].filter(Boolean).join(' ')} ${c.phone_number || ''}`.trim());
    }
    return null;
  }

  function buildKeyboard(message) {
    const markup = message.reply_markup;
    if (!markup || !Array.isArray(markup.inline_keyboard) || !markup.inline_keyboard.length) return null;
    const keyboard = el('div', 'inline-keyboard');
    for (const row of markup.inline_keyboard) {
      if (!Array.isArray(row) || !row.length) continue;
      const line = el('div', 'kb-row');
      for (const spec of row) {
        if (!spec) continue;
        const text = String(spec.text || '');
        const button = el('button', 'inline-button', text);
        button.type = 'button';
        if (spec.url) {
          button.classList.add('url-button');
          button.addEventListener('click', () => openUrl(spec.url, button));
        } else {
          button.addEventListener('click', () => pressButton(button, message, text));
        }
        line.append(button);
      }
      keyboard.append(line);
    }
    return keyboard;
  }

  function buildMessage(message, ctx) {
    const node = el('div', 'message');
    node.dataset.messageId = String(message.message_id);
    const fromBot = isBotUser(message.from);
    if (fromBot) node.classList.add('from-bot');

    if (!hasContent(message)) {
      node.classList.add('service');
      node.append(el('div', 'service-text', serviceText(message)));
      return node;
    }

    const mine = Boolean(message.from) && ctx.speaker !== null && Number(message.from.id) === Number(ctx.speaker);
    node.classList.add(mine ? 'mine' : 'theirs');

    const row = el('div', 'message-row');
    const bubble = el('div', 'bubble');

    if (ctx.showName && message.from) {
      const sender = el('div', 'sender');
      const name = el('span', 'sender-name', nameOf(message.from));
      name.style.setProperty('--name-color', fromBot ? 'var(--accent-dark)' : nameColour(message.from.id));
      sender.append(name);
      const role = fromBot ? '' : roleOf(message.from);
      if (role) sender.append(el('span', 'sender-role', role));
      bubble.append(sender);
    }

    const origin = originName(message);
    if (origin !== null) bubble.append(el('div', 'forwarded', '↪ ' + origin));

    if (message.reply_to_message) {
      const replied = message.reply_to_message;
      const quote = el('button', 'reply-quote');
      quote.type = 'button';
      quote.append(el('span', 'quote-name', nameOf(replied.from)), el('span', 'quote-text', snippet(replied) || serviceText(replied)));
      quote.addEventListener('click', () => jumpTo(replied.message_id));
      bubble.append(quote);
    }

    if (typeof message.photo_url === 'string' && /^https?:/i.test(message.photo_url)) {
      const img = el('img', 'photo');
      img.src = message.photo_url; // served by the bot, as Zalo fetched it
      img.alt = '';
      img.addEventListener('load', () => {
        if (state.stick) scrollToBottom();
      });
      const box = el('div', 'photo-box');
      box.append(img);
      node.classList.add('has-photo');
      bubble.append(box);
    }
    if (Array.isArray(message.photo) && message.photo.length) {
      const photo = buildPhoto(message);
      if (photo) {
        node.classList.add('has-photo');
        bubble.append(photo);
      }
    }
    if (message.document && message.document.file_id) bubble.append(buildFileLink(message.document, 'document', '📄'));
    const other = buildOtherMedia(message);
    if (other) bubble.append(other);

    const text = typeof message.text === 'string' ? message.text : typeof message.caption === 'string' ? message.caption : null;
    if (text !== null && text !== '') {
      const body = el('div', 'message-text');
      const tappable = isZalo(openChatInfo()) ? 'links' : 'all';
      appendFormatted(body, text, typeof message.text === 'string' ? message.entities : message.caption_entities, tappable);
      bubble.append(body);
    }

    const meta = el('div', 'meta');
    if (message.edit_date) meta.append(el('span', 'edited', L('edited')));
    if (message.date) {
      const time = el('time', 'time', hhmm(message.date));
      time.dateTime = new Date(Number(message.date) * 1000).toISOString();
      meta.append(time);
    }
    bubble.append(meta);

    const forward = el('button', 'forward-action', '↪');
    forward.type = 'button';
    forward.title = L('forward');
    forward.setAttribute('aria-label', L('forward'));
    forward.addEventListener('click', () => openForwardDialog(message));

    row.append(bubble, forward);
    node.append(row);

    const keyboard = buildKeyboard(message);
    if (keyboard) node.append(keyboard);
    return node;
  }

  function isAtBottom(box) {
    return box.scrollHeight - box.scrollTop - box.clientHeight < 48;
  }

  function scrollToBottom() {
    const box = $('messages');
    box.scrollTop = box.scrollHeight;
    state.stick = true;
  }

  function renderMessages(messages) {
    const chat = openChatInfo();
    const box = $('messages');
    if (!chat) return;
    box.dataset.chatId = String(chat.chat_id); // the history shown is this chat's (tests wait on it)
    const speaker = currentSpeaker();
    const group = isGroup(chat);
    const renderKey = `${chat.chat_id}|${speaker}|${state.lang}`;
    const firstDraw = state.renderedFor !== renderKey;
    if (firstDraw) {
      box.replaceChildren();
      state.rendered = new Map();
      state.renderedFor = renderKey;
    }
    const wasAtBottom = firstDraw || isAtBottom(box);
    state.messages = messages;
    state.byId = new Map(messages.map((m) => [m.message_id, m]));

    if (!messages.length) {
      state.rendered = new Map();
      state.lastMessageId = null;
      box.replaceChildren(el('div', 'empty-chat', L('empty_chat')));
      return;
    }

    const items = [];
    let lastDay = null;
    let previous = null;
    for (const message of messages) {
      const day = message.date ? dayOf(message.date) : null;
      let newDay = false;
      if (day && day.key !== lastDay) {
        items.push({ key: 'day:' + day.key, sig: day.shown, build: () => el('div', 'day-divider', day.shown) });
        lastDay = day.key;
        newDay = true;
      }
      const service = !hasContent(message);
      const fromId = message.from ? Number(message.from.id) : null;
      const mine = fromId !== null && speaker !== null && fromId === Number(speaker);
      const sameAsBefore = previous && !newDay && hasContent(previous) && previous.from && Number(previous.from.id) === fromId;
      const showName = group && !service && !mine && !sameAsBefore;
      const ctx = { speaker, showName };
      items.push({ key: 'm:' + message.message_id, sig: (showName ? '1' : '0') + JSON.stringify(message), build: () => buildMessage(message, ctx) });
      previous = message;
    }

    const next = new Map();
    let cursor = box.firstChild;
    for (const item of items) {
      const known = state.rendered.get(item.key);
      let node;
      if (known && known.sig === item.sig && known.el.parentNode === box) {
        node = known.el;
      } else {
        node = item.build();
        if (known && known.el.parentNode === box) {
          if (known.el === cursor) cursor = cursor.nextSibling;
          known.el.remove();
        }
      }
      next.set(item.key, { sig: item.sig, el: node });
      if (node === cursor) cursor = cursor.nextSibling;
      else box.insertBefore(node, cursor);
    }
    while (cursor) {
      const after = cursor.nextSibling;
      cursor.remove();
      cursor = after;
    }
    state.rendered = next;

    const newest = messages[messages.length - 1].message_id;
    const arrived = state.lastMessageId !== null && newest > state.lastMessageId; // new messages scroll into view
    state.lastMessageId = newest;
    if (firstDraw || wasAtBottom || arrived) scrollToBottom();
  }

  function jumpTo(messageId) {
    const node = $('messages').querySelector(`.message[data-message-id="${CSS.escape(String(messageId))}"]`);
    if (!node) return;
    node.scrollIntoView({ block: 'center', behavior: 'smooth' });
    node.classList.add('highlight');
    setTimeout(() => node.classList.remove('highlight'), 1500);
  }

  async function refreshMessages() {
    const chatId = state.openChatId;
    if (chatId === null) return;
    const live = liveChatId(chatId);
    const zalo = isZalo(state.chatById.get(chatId));
    const list = await api(`/_control/${zalo ? 'zalo/' : ''}chats/${encodeURIComponent(live)}/messages`);
    if (chatId !== state.openChatId) return;
    const messages = Array.isArray(list) ? list : [];
    state.seen.set(chatId, Math.max(messages.length, countOf(chatId), state.seen.get(chatId) || 0));
    renderMessages(messages);
    updateBadges();
  }

  /* ----------------------------------------------------------------- polling */

  let inFlight = null;
  let again = false;

  function refreshNow() {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      do {
        again = false;
        try {
          await Promise.all([refreshChats(), refreshMessages()]);
          state.pollError = '';
        } catch (error) {
          pollFailed(error);
        }
      } while (again);
    })().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  function pollFailed(error) {
    const text = errorText(error);
    if (text !== state.pollError) showToast(text); // once, not every 700 ms
    state.pollError = text;
  }

  function pollLoop() {
    refreshNow().finally(() => setTimeout(pollLoop, POLL_MS));
  }

  /* ------------------------------------------------------------------- clock */

  function renderClock(clock) {
    if (!clock || typeof clock !== 'object') return;
    state.clock = clock;
    $('clock-now').textContent = clock.shown || '';
    const next = clock.next;
    $('clock-next').textContent = next ? `${L('next')}: ${next.shown || ''} — ${next.what || ''}` : L('nothing_due');
    $('clock-next').title = $('clock-next').textContent;
    const button = $('fast-forward');
    if (!button.classList.contains('busy')) button.disabled = !next;
    if (typeof clock.hint === 'string' && clock.hint !== state.hint) {
      state.hint = clock.hint;
      state.hintClosed = false; // a new step is news, even to someone who closed the last one
      renderHint();
    }
  }

  async function refreshClock() {
    renderClock(await api('/_control/clock?lang=' + encodeURIComponent(state.lang)));
  }

  function clockLoop() {
    refreshClock()
      .catch(pollFailed)
      .finally(() => setTimeout(clockLoop, CLOCK_MS));
  }

  async function fastForward() {
    const button = $('fast-forward');
    if (button.disabled) return;
    button.disabled = true;
    button.classList.add('busy');
    try {
      const clock = await api('/_control/clock/next?lang=' + encodeURIComponent(state.lang), {});
      button.classList.remove('busy');
      renderClock(clock);
      state.stick = true;
      await Promise.all([refreshNow(), refreshClock().catch(() => {})]);
    } catch (error) {
      showError(error);
    } finally {
      button.classList.remove('busy');
      button.disabled = !(state.clock && state.clock.next);
    }
  }

  /* ---------------------------------------------------------------- actions */

  async function sendText(event) {
    event.preventDefault();
    const input = $('composer-text');
    const chatId = state.openChatId;
    const speaker = currentSpeaker();
    const text = input.value;
    input.focus({ preventScroll: true });
    if (chatId === null || speaker === null || !text.trim()) return;
    input.value = '';
    try {
      if (isZalo(state.chatById.get(chatId))) await api('/_control/zalo/send', { chat_id: chatId, text });
      else await api('/_control/send', { user_id: speaker, chat_id: liveChatId(chatId), text });
      state.stick = true;
      refreshNow();
    } catch (error) {
      if (!input.value && state.openChatId === chatId) input.value = text;
      showError(error);
    }
  }

  /** A /command tapped in a message: sent by whoever is writing in this chat, as Telegram's apps do. */
  async function sendCommand(command) {
    const chatId = state.openChatId;
    const speaker = currentSpeaker();
    if (chatId === null || speaker === null || !command) return;
    try {
      await api('/_control/send', { user_id: speaker, chat_id: liveChatId(chatId), text: command });
      state.stick = true;
      refreshNow();
    } catch (error) {
      showError(error);
    }
  }

  async function pressButton(button, message, text) {
    const chatId = state.openChatId;
    const speaker = currentSpeaker();
    if (chatId === null || speaker === null) return;
    if (button.classList.contains('busy')) return;
    button.classList.add('busy');
    try {
      const pressed = await api('/_control/press', {
        user_id: speaker, chat_id: liveChatId(chatId), message_id: message.message_id, button: text,
      });
      refreshNow();
      const queryId = pressed && pressed.callback_query_id;
      if (queryId !== undefined && queryId !== null) {
        const answer = await waitForAnswer(queryId);
        if (answer && answer.text) {
          if (answer.show_alert) showAlert(answer.text);
          else showToast(answer.text);
        }
      }
    } catch (error) {
      showError(error);
    } finally {
      button.classList.remove('busy');
      refreshNow();
    }
  }

  async function waitForAnswer(queryId) {
    const deadline = Date.now() + ANSWER_WAIT_MS;
    for (;;) {
      const answer = await api('/_control/answers/' + encodeURIComponent(queryId));
      if (answer && answer.answered) return answer;
      if (Date.now() + ANSWER_POLL_MS > deadline) return null;
      await sleep(ANSWER_POLL_MS);
    }
  }

  async function openUrl(url, button) {
    const target = String(url || '');
    if (!target.startsWith('https://t.me/')) {
      if (/^(https?:|tg:|mailto:)/i.test(target)) window.open(target, '_blank', 'noopener');
      return;
    }
    const speaker = currentSpeaker();
    if (speaker === null) return;
    if (button) button.classList.add('busy');
    try {
      const result = await api('/_control/open_link', { user_id: speaker, url: target });
      if (result && result.opened && result.chat_id !== undefined && result.chat_id !== null) {
        goToChat(result.chat_id);
      } else {
        window.open(target, '_blank', 'noopener');
      }
    } catch (error) {
      showError(error);
    } finally {
      if (button) button.classList.remove('busy');
    }
  }

  /** Open a chat the server names; a migrated group is found under its old id. */
  function goToChat(chatId) {
    let id = Number(chatId);
    if (!state.chatById.has(id)) {
      for (const [old] of state.migrated) {
        if (liveChatId(old) === id && state.chatById.has(old)) {
          id = old;
          break;
        }
      }
    }
    if (state.chatById.has(id)) {
      state.stick = true;
      openChat(id);
      refreshNow();
    }
  }

  function openForwardDialog(message) {
    const chatId = state.openChatId;
    const speaker = currentSpeaker();
    if (chatId === null || speaker === null) return;
    const dialog = $('forward-dialog');
    const options = $('forward-options');
    options.replaceChildren();
    for (const chat of state.chats) {
      if (!(chat.members || []).some((m) => m.user_id === speaker)) continue;
      const option = el('button', 'dialog-option', chat.title || '');
      option.type = 'button';
      option.dataset.chatId = String(chat.chat_id);
      option.addEventListener('click', async () => {
        closeDialog(dialog);
        try {
          await api('/_control/forward', {
            user_id: speaker, chat_id: liveChatId(chatId), message_id: message.message_id, to_chat_id: liveChatId(chat.chat_id),
          });
          goToChat(chat.chat_id);
        } catch (error) {
          showError(error);
        }
      });
      options.append(option);
    }
    openDialog(dialog);
  }

  /** A Telegram link read on Zalo (a village head's text to paste): open it on the phone of someone on Telegram. */
  function openLinkAs(url) {
    const dialog = $('scan-dialog');
    dialog.querySelector('.dialog-title').textContent = L('open_as');
    $('scan-image').hidden = true;
    $('scan-open').href = url;
    $('scan-open').hidden = true;
    const options = $('scan-options');
    options.replaceChildren();
    for (const person of telegramPeople(null)) {
      const option = personOption(person);
      option.addEventListener('click', async () => {
        closeDialog(dialog);
        try {
          const result = await api('/_control/open_link', { user_id: person.user_id, url });
          if (result && result.opened) goToChat(result.chat_id);
          else window.open(url, '_blank', 'noopener');
        } catch (error) {
          showError(error);
        }
      });
      options.append(option);
    }
    openDialog(dialog);
  }

  /** The people on Telegram, each with their private chat, but `except` (who is holding the phone). */
  function telegramPeople(except) {
    const people = [];
    for (const chat of state.chats) {
      if (isGroup(chat) || isZalo(chat)) continue;
      const person = (chat.members || [])[0];
      if (!person || person.user_id === except) continue;
      people.push({ ...person, role: person.role || chat.subtitle || '' });
    }
    return people;
  }

  function personOption(person) {
    const option = el('button', 'dialog-option');
    option.type = 'button';
    option.dataset.userId = String(person.user_id);
    option.append(el('span', 'opt-name', person.name));
    if (person.role) option.append(el('span', 'opt-role', person.role));
    return option;
  }

  function openScanDialog(message, src) {
    const chatId = state.openChatId;
    if (chatId === null) return;
    const speaker = currentSpeaker();
    const dialog = $('scan-dialog');
    dialog.querySelector('.dialog-title').textContent = L('scan_as');
    $('scan-image').hidden = false;
    $('scan-image').src = src;
    $('scan-open').hidden = false;
    $('scan-open').href = src;
    const options = $('scan-options');
    options.replaceChildren();
    for (const person of telegramPeople(speaker)) {
      const option = personOption(person);
      option.addEventListener('click', async () => {
        closeDialog(dialog);
        try {
          const result = await api('/_control/scan', {
            user_id: person.user_id, chat_id: liveChatId(chatId), message_id: message.message_id,
          });
          if (result && result.opened && result.chat_id !== undefined && result.chat_id !== null) goToChat(result.chat_id);
          else showToast(L('not_a_qr'));
        } catch (error) {
          showError(error);
        }
      });
      options.append(option);
    }
    openDialog(dialog);
  }

  function readBase64(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => {
        const url = String(reader.result || '');
        resolve(url.slice(url.indexOf(',') + 1));
      };
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
  }

  async function sendFile() {
    const input = $('file-input');
    const file = input.files && input.files[0];
    input.value = '';
    const chatId = state.openChatId;
    const speaker = currentSpeaker();
    if (!file || chatId === null || speaker === null) return;
    try {
      const content = await readBase64(file);
      await api('/_control/send_document', {
        user_id: speaker, chat_id: liveChatId(chatId), filename: file.name, content_base64: content,
      });
      state.stick = true;
      showToast(L('file_sent'));
      refreshNow();
    } catch (error) {
      showError(error);
    }
  }

  /* ------------------------------------------------------------------ wiring */

  function wire() {
    $('lang-toggle').addEventListener('click', switchLanguage);
    $('hint-close').addEventListener('click', () => {
      state.hintClosed = true;
      renderHint();
    });
    $('fast-forward').addEventListener('click', fastForward);
    $('back-button').addEventListener('click', goBack);
    $('composer').addEventListener('submit', sendText);
    // Keep the focus (and a phone's keyboard) in the text box when the send button is tapped.
    $('composer-send').addEventListener('mousedown', (event) => event.preventDefault());
    $('composer-attach').addEventListener('click', () => $('file-input').click());
    $('file-input').addEventListener('change', sendFile);
    $('speaker').addEventListener('change', (event) => {
      const chat = openChatInfo();
      if (!chat) return;
      state.speakers.set(chat.chat_id, Number(event.target.value));
      renderMessages(state.messages);
    });
    $('messages').addEventListener('scroll', () => {
      state.stick = isAtBottom($('messages'));
    }, { passive: true });
    // A window turned or resized (or a phone's keyboard opened) keeps the last message in view.
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(() => {
        if (state.stick && state.openChatId !== null) scrollToBottom();
      }).observe($('messages'));
    }
    // Links to the bot inside a message open the chat with it, like the URL buttons do.
    $('messages').addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target : null;
      const spoiler = target && target.closest('.spoiler');
      if (spoiler) spoiler.classList.toggle('revealed');
      const command = target && target.closest('.message-text a.bot-command');
      if (command) {
        event.preventDefault();
        sendCommand(command.dataset.command);
        return;
      }
      const link = target && target.closest('.message-text a[href]');
      if (link && link.getAttribute('href').startsWith('https://t.me/')) {
        event.preventDefault();
        if (isZalo(openChatInfo())) openLinkAs(link.getAttribute('href'));
        else openUrl(link.getAttribute('href'), null);
      }
    });
    for (const dialog of document.querySelectorAll('dialog')) {
      dialog.addEventListener('click', (event) => {
        if (event.target === dialog) closeDialog(dialog); // a click on the backdrop
      });
      for (const close of dialog.querySelectorAll('.dialog-close')) close.addEventListener('click', () => closeDialog(dialog));
    }
    window.addEventListener('popstate', () => {
      if (NARROW.matches && state.view === 'chat') showList();
    });
    const onWidth = () => {
      if (!NARROW.matches && state.openChatId === null && state.chats.length) openChat(state.chats[0].chat_id, { focus: false });
    };
    if (typeof NARROW.addEventListener === 'function') NARROW.addEventListener('change', onWidth);
    else if (typeof NARROW.addListener === 'function') NARROW.addListener(onWidth);
  }

  async function start() {
    wire();
    setView('list');
    renderHeader();
    state.lang = initialLang();
    document.documentElement.lang = state.lang;
    // The server answers 503 while the bot starts: try again until it is up.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await loadSandbox(state.lang);
        break;
      } catch (error) {
        pollFailed(error);
        await sleep(Math.min(5000, 500 + attempt * 500));
      }
    }
    state.pollError = '';
    if (!NARROW.matches && state.chats.length) openChat(state.chats[0].chat_id, { focus: false });
    pollLoop();
    clockLoop();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
