export const id = 325;
export const ids = [325];
export const modules = {

/***/ 9325:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   renderNotes: () => (/* binding */ renderNotes)
/* harmony export */ });
/** Text for a Markdown list item: no HTML, no accidental emphasis or links from a commit subject. */
function md(text) {
    return text.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
}
function renderNotes(commits, options) {
    const base = options.serverUrl && options.repository
        ? `${options.serverUrl.replace(/\/+$/, '')}/${options.repository}`
        : undefined;
    const kept = commits.filter((c) => !c.cancelled);
    const breaking = [];
    for (const c of kept)
        for (const text of c.breakingNotes)
            breaking.push({ text, commit: c });
    const groups = [
        { title: 'Features', commits: [] },
        { title: 'Bug fixes', commits: [] },
        { title: 'Performance', commits: [] },
        { title: 'Other', commits: [] },
    ];
    const seen = new Set();
    for (const c of kept) {
        // A merge commit without a conventional title says nothing its branch's commits do not.
        if (c.merge && !c.type)
            continue;
        if (!c.subject)
            continue;
        const key = `${c.type ?? ''}\0${c.scope ?? ''}\0${c.subject}`;
        if (seen.has(key))
            continue;
        seen.add(key);
        const group = c.type === 'feat'
            ? groups[0]
            : c.type === 'fix'
                ? groups[1]
                : c.type === 'perf'
                    ? groups[2]
                    : groups[3];
        group.commits.push(c);
    }
    const links = (c) => {
        const parts = [];
        if (c.pr !== undefined)
            parts.push(base ? `[#${c.pr}](${base}/pull/${c.pr})` : `#${c.pr}`);
        const short = c.sha.slice(0, 7);
        parts.push(base ? `[${short}](${base}/commit/${c.sha})` : short);
        return parts.map((p) => `(${p})`).join(' ');
    };
    const line = (c, text) => `* ${c.scope ? `**${md(c.scope)}:** ` : ''}${md(text)} ${links(c)}`;
    const compare = base && options.tag && options.previousTag
        ? `${base}/compare/${encodeURIComponent(options.previousTag)}...${encodeURIComponent(options.tag)}`
        : undefined;
    const title = compare ? `[${options.version}](${compare})` : options.version;
    const out = [`## ${title}${options.date ? ` (${options.date})` : ''}`, ''];
    if (breaking.length) {
        out.push('### ⚠ Breaking changes', '');
        for (const b of breaking)
            out.push(line(b.commit, b.text.replace(/\s*\n\s*/g, ' ')));
        out.push('');
    }
    for (const group of groups) {
        if (group.commits.length === 0 || (group.title === 'Other' && options.hideOther))
            continue;
        out.push(`### ${group.title}`, '');
        for (const c of group.commits)
            out.push(line(c, c.type && group.title === 'Other' ? `${c.type}: ${c.subject}` : c.subject));
        out.push('');
    }
    if (out.length === 2)
        out.push('_No notable changes._', '');
    return out.join('\n');
}


/***/ })

};
